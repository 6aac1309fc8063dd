#include "grader/cli/report_command.h"

#include <fstream>
#include <iostream>
#include <regex>

#include "db/store.h"
#include "grader/learner_name.h"
#include "reports/export.h"
#include "reports/html.h"
#include "reports/report.h"

namespace grader::cli {
namespace {

namespace fs = std::filesystem;

// --learners FILE: one name a line; blank lines and lines starting with # are skipped.
base::StatusOr<std::vector<std::string>> ReadLearners(const std::string& path) {
  std::ifstream in(path);
  if (!in) return base::Status::NotFound("--learners: cannot read " + path);
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    out.push_back(line);
  }
  if (out.empty()) return base::Status::InvalidArgument("--learners: " + path + " names nobody");
  return out;
}

base::Status CheckOptions(const ReportOptions& o) {
  if (o.format != "html" && o.format != "json" && o.format != "csv")
    return base::Status::InvalidArgument("--format must be html, json or csv");
  if (o.out.empty() && o.format != "json")
    return base::Status::InvalidArgument("--out is required for --format " + o.format);
  if (!o.since.empty() &&
      !std::regex_match(o.since, std::regex(R"(\d{4}-\d{2}-\d{2}(T[0-9:.]*Z?)?)")))
    return base::Status::InvalidArgument("--since must be a date, e.g. 2026-11-30");
  if (o.similarity_threshold <= 0 || o.similarity_threshold > 1)
    return base::Status::InvalidArgument("--similarity-threshold must be in (0, 1]");
  if (o.batch_run && *o.batch_run < 1)
    return base::Status::InvalidArgument("--batch-run must be a run id >= 1");
  if (!o.learner.empty()) return ValidateLearnerName(o.learner);
  return base::Status::Ok();
}

}  // namespace

int Report(const GlobalOptions& global, const ReportOptions& options) {
  if (base::Status s = CheckOptions(options); !s.ok()) return Fail(s);
  auto problems = ReadAllProblems(ProblemsRoot(global));
  if (!problems.ok()) return Fail(problems.status());
  for (const std::string& id : options.problems) {
    bool known = false;
    for (const ProblemSpec& p : *problems) known = known || p.id == id;
    if (!known) return Fail(base::Status::NotFound("unknown problem \"" + id + "\""));
  }
  reports::ReportOptions report_options;
  report_options.filter.problems = options.problems;
  report_options.filter.batch_run = options.batch_run;
  report_options.filter.since = options.since;
  report_options.similarity_threshold = options.similarity_threshold;
  if (!options.learners_file.empty()) {
    auto learners = ReadLearners(options.learners_file);
    if (!learners.ok()) return Fail(learners.status());
    report_options.filter.learners = *learners;
  }
  if (!options.learner.empty()) {
    report_options.filter.learners = {options.learner};
    report_options.similarity = false;  // a learner's page never shows similarity
  }
  // The engine checks the data directory and the database (damaged, newer) and reads the
  // skills; the report reads through a store of its own.
  auto engine = OpenEngine(global, /*needs_secret=*/false);
  if (!engine.ok()) return Fail(engine.status());
  if (!(*engine)->skills().ok()) return Fail((*engine)->skills().status());
  auto store = db::Store::Open((*engine)->database_url());
  if (!store.ok()) return Fail(store.status());
  auto report = reports::BuildReport(**store, *problems, *(*engine)->skills(), report_options);
  if (!report.ok()) return Fail(report.status());

  base::Status written;
  std::string where = options.out;
  if (options.format == "json") {
    const std::string text = reports::ReportJson(*report);
    if (options.out.empty()) {
      std::cout << text;
      return kExitOk;
    }
    std::ofstream out(options.out, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) written = base::Status::Internal("cannot write " + options.out);
  } else if (options.format == "csv") {
    written = reports::WriteCsvReport(*report, options.out);
  } else if (!options.learner.empty()) {
    written = reports::WriteLearnerPage(*report, options.learner, options.out);
  } else {
    written = reports::WriteHtmlReport(*report, options.out);
    where = (fs::path(options.out) / "index.html").string();
  }
  if (!written.ok()) return Fail(written);
  std::cout << "report of " << report->learners.size() << " learner"
            << (report->learners.size() == 1 ? "" : "s") << " over " << report->problems.size()
            << " problem" << (report->problems.size() == 1 ? "" : "s") << " written to " << where
            << "\n";
  return kExitOk;
}

}  // namespace grader::cli
