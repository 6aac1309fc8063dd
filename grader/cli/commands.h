// The grader's command-line commands. Each returns the process exit code (docs/cli.md):
//   0  done (a submission was graded, whatever its score, or did not compile)
//   2  usage or input error: nothing was recorded
//   3  internal error: the grader itself failed
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/batch/outputs.h"
#include "grader/problem_spec.h"

namespace grader::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInputError = 2;
inline constexpr int kExitInternalError = 3;

struct GlobalOptions {
  std::string data_dir;      // --data-dir, else $GRADER_DATA, else a per-user default
  std::string problems_dir;  // --problems, else $GRADER_PROBLEMS, else the source tree's
};

struct GradeOptions {
  std::string problem;
  std::string learner = "anonymous";
  std::string file;
  bool json = false;
  std::string format = "text";  // text | json | csv | junit | gradescope (batch_command.cc)
  bool no_cache = false;
};

// Shared by the commands: the problems folder, a problem with its reference code, and where
// private work directories go.
std::filesystem::path ProblemsRoot(const GlobalOptions& global);

// Print "grader: <message>" (or "grader: internal error: <message>") on stderr and return the
// matching exit code.
int InputError(const std::string& message);
int InternalError(const std::string& message);
base::StatusOr<ProblemSpec> FindProblem(const GlobalOptions& global, const std::string& id);
std::filesystem::path WorkParent();

int Grade(const GlobalOptions& global, const GradeOptions& options);
int ProblemsList(const GlobalOptions& global, bool json);
int ProblemsShow(const GlobalOptions& global, const std::string& id, bool json);
int ProblemsExport(const GlobalOptions& global, const std::string& id, const std::string& out_dir);
// grader/cli/catalogue_command.cc
int ProblemsMisconceptions(const GlobalOptions& global, bool markdown);

}  // namespace grader::cli
