// grader: the command-line interface. Parses arguments and dispatches to commands.h.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "grader/cli/batch_command.h"
#include "grader/cli/commands.h"
#include "grader/cli/learner_commands.h"
#include "grader/cli/outbox_command.h"
#include "grader/cli/report_command.h"
#include "grader/cli/serve_command.h"
#include "grader/cli/suggest.h"
#include "grader/data_dir.h"
#include "grader/learner_name.h"
#include "grader/pack_loader.h"

namespace {

// A closed stdout or stderr (`grader batch ... | head`) must not kill the grader before it
// writes its output files: writes to the pipe fail with EPIPE instead. A handler rather than
// SIG_IGN, because an ignored signal stays ignored in the programs the grader starts.
void IgnoreBrokenPipe(int) {}

// The first word that is not an option (nor a global option's value): the command.
std::string FirstCommandWord(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--data-dir" || arg == "--problems" || arg == "--database") {
      ++i;
      continue;
    }
    if (!arg.starts_with("-")) return arg;
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  using namespace grader::cli;
  struct sigaction broken_pipe {};
  broken_pipe.sa_handler = IgnoreBrokenPipe;
  sigaction(SIGPIPE, &broken_pipe, nullptr);

  CLI::App app{"Grades C++/Eigen deep-learning exercises against reference implementations."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "grader " GRADER_VERSION);
  GlobalOptions global;
  app.add_option("--data-dir", global.data_dir,
                 "Data directory (database, secret key); default $GRADER_DATA or "
                 "~/.local/share/dlgrader");
  app.add_option("--problems", global.problems_dir,
                 "Problems directory; default $GRADER_PROBLEMS or the source tree's problems/");
  app.add_option("--database", global.database,
                 "Database URL: sqlite:PATH or postgresql://...; default $GRADER_DATABASE or the "
                 "data directory's grader.db (docs/scale-out.md)");
  app.add_flag("--init", global.init,
               "Create a new secret key although the database holds results (a lost key; "
               "hidden test data changes)");

  GradeOptions grade;
  CLI::App* grade_cmd = app.add_subcommand("grade", "Grade one submission file");
  grade_cmd->add_option("--problem", grade.problem, "Problem id")->required();
  grade_cmd->add_option("--learner", grade.learner, "Learner name (default: anonymous)");
  grade_cmd->add_flag("--json", grade.json, "Print the result as JSON");
  grade_cmd->add_option(
      "--format", grade.format,
      "text (default), json, csv, junit, gradescope; several with commas and --out");
  grade_cmd->add_option("--out", grade.out_dir,
                        "Write DIR/result.json, result.xml, ... instead of printing (one attempt)");
  grade_cmd->add_flag("--no-cache", grade.no_cache, "Grade even if an identical result is cached");
  grade_cmd->add_option("file", grade.file, "The submission's .cpp file")->required();

  BatchOptions batch;
  CLI::App* batch_cmd = app.add_subcommand("batch", "Grade a folder or .zip of submissions");
  batch_cmd->add_option("--problem", batch.problem, "Problem id")->required();
  batch_cmd->add_option("--jobs", batch.jobs, "Parallel workers (default: number of cores)");
  batch_cmd->add_option("--csv", batch.csv, "Write a CSV gradebook");
  batch_cmd->add_option(
      "--csv-format", batch.csv_format,
      "grader (default), canvas (gradebook import) or moodle (grading worksheet)");
  batch_cmd->add_option("--json", batch.json, "Write all results as JSON");
  batch_cmd->add_option("--junit", batch.junit, "Write JUnit XML (one testsuite per learner)");
  batch_cmd->add_option("--gradescope", batch.gradescope_dir, "Write DIR/<learner>/results.json");
  batch_cmd->add_flag("--no-cache", batch.no_cache, "Do not reuse cached results");
  batch_cmd->add_flag("--regrade", batch.regrade,
                      "Grade every submission again, even those an earlier run graded");
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

  std::string kit_problem, kit_out;
  CLI::App* kit = app.add_subcommand(
      "gradescope-kit", "Write a Gradescope autograder zip for one problem (docs/gradescope.md)");
  kit->add_option("--problem", kit_problem, "Problem id")->required();
  kit->add_option("--out", kit_out, "The .zip to write")->required();

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
  bool recommend_new = false;
  recommend->add_flag("--new", recommend_new,
                      "The learner is new (no submissions yet): the problems to start with");

  // The service's outbox and LTI keys (docs/service-outbox.md).
  CLI::App* outbox = app.add_subcommand("outbox", "Callbacks and LTI scores of `grader serve`");
  outbox->require_subcommand(1);
  bool outbox_dead = false, outbox_json = false, outbox_until_idle = false;
  int64_t outbox_id = 0;
  std::string outbox_config, lti_config;
  CLI::App* outbox_list = outbox->add_subcommand("list", "List the outbox's rows");
  outbox_list->add_flag("--dead", outbox_dead, "Only the dead letters");
  outbox_list->add_flag("--json", outbox_json, "Print JSON");
  CLI::App* outbox_retry = outbox->add_subcommand("retry", "Make a dead row pending again");
  outbox_retry->add_option("id", outbox_id, "Outbox row id")->required();
  CLI::App* outbox_deliver =
      outbox->add_subcommand("deliver", "Deliver pending rows in the foreground");
  outbox_deliver->add_option("--config", outbox_config, "The service's TOML file")->required();
  outbox_deliver->add_flag("--until-idle", outbox_until_idle, "Exit once no row is pending");
  CLI::App* lti = app.add_subcommand("lti", "LTI 1.3 keys of `grader serve`");
  lti->require_subcommand(1);
  CLI::App* lti_jwks = lti->add_subcommand("jwks", "Print the JWKS of the configured keys");
  lti_jwks->add_option("--config", lti_config, "The service's TOML file")->required();

  ReportOptions report;
  CLI::App* report_cmd = app.add_subcommand(
      "report", "Write the instructor's report: HTML pages, or its data as JSON or CSV");
  report_cmd->add_option("--out", report.out,
                         "html: directory (a file with --learner); csv: directory; json: file");
  report_cmd->add_option("--format", report.format, "html (default), json or csv");
  report_cmd->add_option("--problem", report.problems, "Only this problem (repeatable)");
  report_cmd->add_option("--batch-run", report.batch_run, "Only the submissions of batch run N");
  report_cmd->add_option("--since", report.since, "Only submissions made on or after DATE");
  report_cmd->add_option("--learners", report.learners_file, "Only the learners named in FILE");
  report_cmd->add_option("--learner", report.learner, "One learner's page alone");
  report_cmd->add_option("--similarity-threshold", report.similarity_threshold,
                         "Pairs at least this similar are clustered (default 0.8)");

  std::string serve_config;
  CLI::App* serve = app.add_subcommand("serve", "Run the HTTP service (docs/service.md)");
  serve->add_option("--config", serve_config, "The service's TOML configuration")->required();
  // One grading worker process: started by serve, or standalone on another host against a
  // shared PostgreSQL (docs/scale-out.md).
  WorkerCommandOptions worker_options;
  CLI::App* worker = app.add_subcommand(
      "worker", "Run a grading worker on the database's queue (docs/scale-out.md)");
  worker->add_option("--config", worker_options.config_path,
                     "The service's TOML file (lease_seconds, max_attempts, public_url); "
                     "default: their defaults");
  worker->add_option("--id,--worker-id", worker_options.id,
                     "This worker's name in leases and logs (default: the host name)");
  worker->add_option("--public-url", worker_options.public_url,
                     "Base of the callbacks' result_url (default: the config's public_url)");
  // Set by serve for the workers it supervises: they stop when serve dies.
  worker->add_flag("--supervised", worker_options.supervised)->group("");

  if (argc == 1) {  // `grader` alone: what it can do
    std::cout << app.help();
    return kExitInputError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    std::vector<std::string> commands;
    for (const CLI::App* command : app.get_subcommands({})) commands.push_back(command->get_name());
    const std::string word = FirstCommandWord(argc, argv);
    if (!word.empty() && std::find(commands.begin(), commands.end(), word) == commands.end()) {
      std::cerr << "grader: unknown command \"" << word << "\"" << DidYouMean(word, commands)
                << "; run grader --help for the list\n";
      return kExitInputError;
    }
    std::cerr << "grader: " << e.what() << "\n";
    return kExitInputError;
  }

  if (global.database.empty()) {
    const char* url = std::getenv("GRADER_DATABASE");
    if (url != nullptr) global.database = url;
  }

  // One learner whatever the Unicode form the name was typed in (grader/learner_name.h).
  grade.learner = grader::NormalizeLearnerName(grade.learner);
  show_learner = grader::NormalizeLearnerName(show_learner);
  recommend_learner = grader::NormalizeLearnerName(recommend_learner);

  // Packs compiled on a cache miss go to the data directory's cache (grader/pack_loader.h).
  grader::SetPackCache(grader::ResolveCacheDir(grader::ResolveDataDir(global.data_dir)) / "packs");

  if (grade_cmd->parsed()) return Grade(global, grade);
  if (kit->parsed()) return GradescopeKit(global, kit_problem, kit_out);
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
  if (report_cmd->parsed()) return Report(global, report);
  if (recommend->parsed())
    return RecommendFor(global, recommend_learner, recommend_json, recommend_limit, recommend_new);
  if (outbox_list->parsed()) return OutboxList(global, outbox_dead, outbox_json);
  if (outbox_retry->parsed()) return OutboxRetry(global, outbox_id);
  if (outbox_deliver->parsed()) return OutboxDeliver(global, outbox_config, outbox_until_idle);
  if (lti_jwks->parsed()) return LtiJwks(lti_config);
  if (serve->parsed()) return Serve(global, serve_config);
  if (worker->parsed()) return Worker(global, worker_options);
  std::cerr << "grader: no command\n";
  return kExitInputError;
}
