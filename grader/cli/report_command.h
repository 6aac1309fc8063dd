// `grader report`: the instructor's report over the database (reports/report.h, docs/report.md).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grader/cli/commands.h"

namespace grader::cli {

struct ReportOptions {
  std::string out;                    // html: DIR (FILE with --learner); json: FILE; csv: DIR
  std::string format = "html";        // html | json | csv
  std::vector<std::string> problems;  // --problem, repeatable
  std::optional<int64_t> batch_run;   // --batch-run N
  std::string since;                  // --since YYYY-MM-DD[Thh:mm:ss]
  std::string learners_file;          // --learners FILE: one name a line
  std::string learner;                // --learner NAME: that learner's page alone
  double similarity_threshold = 0.8;  // --similarity-threshold
};

int Report(const GlobalOptions& global, const ReportOptions& options);

}  // namespace grader::cli
