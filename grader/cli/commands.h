// The grader's command-line commands: thin front ends over grader/engine.h. Each returns the
// process exit code (grader/cli/exit_codes.h, docs/cli.md).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/batch/outputs.h"
#include "grader/cli/exit_codes.h"
#include "grader/engine.h"
#include "grader/problem_spec.h"

namespace grader::cli {

struct GlobalOptions {
  std::string data_dir;      // --data-dir, else $GRADER_DATA, else a per-user default
  std::string problems_dir;  // --problems, else $GRADER_PROBLEMS, else the source tree's
  bool init = false;         // --init: create a new secret key beside an existing database
  // --database URL, else $GRADER_DATABASE, else empty: the data directory's SQLite file
  // (db/connection.h, docs/scale-out.md).
  std::string database;
};

struct GradeOptions {
  std::string problem;
  std::string learner = "anonymous";
  std::string file;
  bool json = false;
  // text | json | csv | junit | gradescope (batch_command.cc), or several, comma-separated,
  // with out_dir: one attempt written in each format, to DIR/result.<ext> (results.json).
  std::string format = "text";
  std::string out_dir;
  bool no_cache = false;
};

// Shared by the commands: the problems folder, a problem with its reference code, and the
// engine over the data directory (its warnings printed).
std::filesystem::path ProblemsRoot(const GlobalOptions& global);
base::StatusOr<ProblemSpec> FindProblem(const GlobalOptions& global, const std::string& id);
// The commands that grade (needs_secret) start `compile_servers` compile servers at once.
base::StatusOr<std::unique_ptr<Engine>> OpenEngine(const GlobalOptions& global,
                                                   bool needs_secret = true,
                                                   size_t compile_servers = 1);
// The compile server the engine should start (grader/resources.h), warning when it is missing.
std::filesystem::path CompileServerOrWarn();

int Grade(const GlobalOptions& global, const GradeOptions& options);
int ProblemsList(const GlobalOptions& global, bool json);
int ProblemsShow(const GlobalOptions& global, const std::string& id, bool json);
int ProblemsBuild(const GlobalOptions& global);
// `problems starter ID [--out DIR]`: the starter generated from problem.toml (grader/glue.h);
// with --out, writes DIR/starter.cpp and DIR/api.h instead of printing the starter.
int ProblemsStarter(const GlobalOptions& global, const std::string& id, const std::string& out_dir);
// grader/cli/new_command.cc: scaffolds problems/<id>/ from the shipped example of `pattern`.
int ProblemsNew(const GlobalOptions& global, const std::string& id, const std::string& pattern);
int ProblemsExport(const GlobalOptions& global, const std::string& id, const std::string& out_dir);
// grader/cli/gradescope_kit.cc: an autograder zip for Gradescope (docs/gradescope.md).
int GradescopeKit(const GlobalOptions& global, const std::string& id, const std::string& out);
// grader/cli/catalogue_command.cc
int ProblemsMisconceptions(const GlobalOptions& global, bool markdown);

}  // namespace grader::cli
