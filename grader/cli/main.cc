// grader: the command-line interface. Parses arguments and dispatches to commands.h.
#include <CLI/CLI.hpp>
#include <iostream>

#include "grader/cli/batch_command.h"
#include "grader/cli/commands.h"
#include "grader/cli/learner_commands.h"
#include "grader/cli/serve_command.h"
#include "grader/data_dir.h"
#include "grader/pack_loader.h"

int main(int argc, char** argv) {
  using namespace grader::cli;
  CLI::App app{"Grades C++/Eigen deep-learning exercises against reference implementations."};
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_option("--data-dir", global.data_dir,
                 "Data directory (database, secret key); default $GRADER_DATA or "
                 "~/.local/share/dlgrader");
  app.add_option("--problems", global.problems_dir,
                 "Problems directory; default $GRADER_PROBLEMS or the source tree's problems/");
  app.add_flag("--init", global.init,
               "Create a new secret key although the database holds results (a lost key; "
               "hidden test data changes)");

  GradeOptions grade;
  CLI::App* grade_cmd = app.add_subcommand("grade", "Grade one submission file");
  grade_cmd->add_option("--problem", grade.problem, "Problem id")->required();
  grade_cmd->add_option("--learner", grade.learner, "Learner name (default: anonymous)");
  grade_cmd->add_flag("--json", grade.json, "Print the result as JSON");
  grade_cmd->add_option("--format", grade.format, "text (default), json, csv, junit, gradescope");
  grade_cmd->add_flag("--no-cache", grade.no_cache, "Grade even if an identical result is cached");
  grade_cmd->add_option("file", grade.file, "The submission's .cpp file")->required();

  BatchOptions batch;
  CLI::App* batch_cmd = app.add_subcommand("batch", "Grade a folder or .zip of submissions");
  batch_cmd->add_option("--problem", batch.problem, "Problem id")->required();
  batch_cmd->add_option("--jobs", batch.jobs, "Parallel workers (default: number of cores)");
  batch_cmd->add_option("--csv", batch.csv, "Write a CSV gradebook");
  batch_cmd->add_option("--json", batch.json, "Write all results as JSON");
  batch_cmd->add_option("--junit", batch.junit, "Write JUnit XML (one testsuite per learner)");
  batch_cmd->add_option("--gradescope", batch.gradescope_dir, "Write DIR/<learner>/results.json");
  batch_cmd->add_flag("--no-cache", batch.no_cache, "Do not reuse cached results");
  batch_cmd->add_option("source", batch.source, "Folder or .zip of submissions")->required();

  CLI::App* problems = app.add_subcommand("problems", "List, show and export problems");
  problems->require_subcommand(1);
  bool list_json = false;
  CLI::App* list = problems->add_subcommand("list", "List the problems");
  list->add_flag("--json", list_json, "Print JSON");
  std::string show_id;
  bool show_json = false;
  CLI::App* show = problems->add_subcommand("show", "Describe one problem");
  show->add_option("id", show_id, "Problem id")->required();
  show->add_flag("--json", show_json, "Print JSON");
  std::string export_id, export_dir;
  CLI::App* exp = problems->add_subcommand("export", "Write the visible tests as JSON files");
  exp->add_option("id", export_id, "Problem id")->required();
  exp->add_option("--out", export_dir, "Output directory")->required();

  CLI::App* build = problems->add_subcommand(
      "build", "Compile every problem pack's trusted code into the cache (docs/problem-packs.md)");
  std::string new_id, new_pattern = "call";
  CLI::App* new_problem = problems->add_subcommand(
      "new", "Scaffold a problem pack in the problems folder (docs/problem-packs.md)");
  new_problem->add_option("id", new_id, "Problem id")->required();
  new_problem->add_option("--pattern", new_pattern,
                          "Call pattern: call, mode, sequence, sweep or list (default call)");
  std::string starter_id, starter_dir;
  CLI::App* starter = problems->add_subcommand(
      "starter", "Print the starter generated from problem.toml (--out: write starter.cpp, api.h)");
  starter->add_option("id", starter_id, "Problem id")->required();
  starter->add_option("--out", starter_dir, "Write starter.cpp and api.h into this directory");

  std::vector<std::string> validate_ids;
  CLI::App* validate = problems->add_subcommand("validate", "Check problems (docs/validation.md)");
  validate->add_option("ids", validate_ids, "Problem ids (default: all)");

  bool misconceptions_markdown = false;
  CLI::App* misconceptions = problems->add_subcommand(
      "misconceptions", "The misconception catalogue (docs/misconceptions.md)");
  misconceptions->add_flag("--markdown", misconceptions_markdown, "Print docs/misconceptions.md");

  std::string show_learner;
  bool learner_json = false;
  CLI::App* learner = app.add_subcommand("learner", "A learner's mastery and history");
  learner->require_subcommand(1);
  CLI::App* learner_show =
      learner->add_subcommand("show", "Mastery per skill, attempts, misconceptions");
  learner_show->add_option("name", show_learner, "Learner name")->required();
  learner_show->add_flag("--json", learner_json, "Print JSON");

  std::string recommend_learner;
  bool recommend_json = false;
  int recommend_limit = 3;
  CLI::App* recommend = app.add_subcommand("recommend", "The next problems for a learner");
  recommend->add_option("--learner", recommend_learner, "Learner name")->required();
  recommend->add_option("--limit", recommend_limit, "At most this many (default 3)");
  recommend->add_flag("--json", recommend_json, "Print JSON");

  std::string serve_config;
  CLI::App* serve = app.add_subcommand("serve", "Run the HTTP service (docs/service.md)");
  serve->add_option("--config", serve_config, "The service's TOML configuration")->required();
  // Started by serve only: one grading worker process (hidden from --help).
  std::string worker_config, worker_id, worker_public_url;
  CLI::App* worker = app.add_subcommand("worker", "");
  worker->group("");
  worker->add_option("--config", worker_config)->required();
  worker->add_option("--worker-id", worker_id)->required();
  worker->add_option("--public-url", worker_public_url);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "grader: " << e.what() << "\n";
    return kExitInputError;
  }

  // Packs compiled on a cache miss go to the data directory's cache (grader/pack_loader.h).
  grader::SetPackCache(grader::ResolveCacheDir(grader::ResolveDataDir(global.data_dir)) / "packs");

  if (grade_cmd->parsed()) return Grade(global, grade);
  if (build->parsed()) return ProblemsBuild(global);
  if (batch_cmd->parsed()) return Batch(global, batch);
  if (list->parsed()) return ProblemsList(global, list_json);
  if (show->parsed()) return ProblemsShow(global, show_id, show_json);
  if (starter->parsed()) return ProblemsStarter(global, starter_id, starter_dir);
  if (new_problem->parsed()) return ProblemsNew(global, new_id, new_pattern);
  if (exp->parsed()) return ProblemsExport(global, export_id, export_dir);
  if (validate->parsed()) return ProblemsValidate(global, validate_ids);
  if (misconceptions->parsed()) return ProblemsMisconceptions(global, misconceptions_markdown);
  if (learner_show->parsed()) return LearnerShow(global, show_learner, learner_json);
  if (recommend->parsed())
    return RecommendFor(global, recommend_learner, recommend_json, recommend_limit);
  if (serve->parsed()) return Serve(global, serve_config);
  if (worker->parsed()) return Worker(global, worker_config, worker_id, worker_public_url);
  std::cerr << "grader: no command\n";
  return kExitInputError;
}
