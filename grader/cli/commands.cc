#include "grader/cli/commands.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "grader/batch/outputs.h"
#include "grader/cli/batch_command.h"
#include "grader/cli/suggest.h"
#include "grader/curriculum.h"
#include "grader/data_dir.h"
#include "grader/generator.h"
#include "grader/glue.h"
#include "grader/grade.h"
#include "grader/learner_name.h"
#include "grader/pack_loader.h"
#include "grader/report.h"
#include "grader/resources.h"
#include "grader/training_data.h"
#include "reference/registry.h"

namespace grader::cli {

namespace fs = std::filesystem;

fs::path ProblemsRoot(const GlobalOptions& global) {
  if (!global.problems_dir.empty()) return global.problems_dir;
  if (const char* env = std::getenv("GRADER_PROBLEMS"); env != nullptr && *env != '\0') return env;
  return InstalledResources().problems;
}

base::StatusOr<ProblemSpec> FindProblem(const GlobalOptions& global, const std::string& id) {
  const fs::path root = ProblemsRoot(global);
  bool plausible = !id.empty() && id.find('/') == std::string::npos && id != "." && id != "..";
  if (!plausible || !fs::exists(root / id / "problem.toml")) {
    std::string known;
    std::vector<std::string> ids;
    auto all = LoadAllProblems(root);
    if (all.ok()) {
      for (const ProblemSpec& p : *all) {
        known += (known.empty() ? "" : ", ") + p.id;
        ids.push_back(p.id);
      }
    }
    const std::string guess = ClosestMatch(id, ids);
    if (!guess.empty()) {
      return base::Status::NotFound("unknown problem \"" + id + "\"; did you mean \"" + guess +
                                    "\"?");
    }
    return base::Status::NotFound("unknown problem \"" + id + "\" (known: " + known + ")");
  }
  auto problem = LoadProblem(root / id);
  if (!problem.ok()) return problem.status();
  if (reference::FindProblemCode(problem->id) == nullptr) {
    return base::Status::Internal("problem \"" + id + "\" has no reference code registered");
  }
  return problem;
}

namespace {

// Reads a submission, refusing what is not a regular, readable file.
base::StatusOr<std::string> ReadSubmission(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return base::Status::NotFound("submission " + path + " does not exist");
  }
  if (!S_ISREG(st.st_mode))
    return base::Status::InvalidArgument("submission " + path + " is not a regular file");
  if (static_cast<size_t>(st.st_size) > kMaxSourceBytes) {
    return base::Status::InvalidArgument("submission " + path + ": is " +
                                         std::to_string(st.st_size) + " bytes; the limit is " +
                                         std::to_string(kMaxSourceBytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Status::InvalidArgument("submission " + path + " cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return base::Status::InvalidArgument("submission " + path + " cannot be read");
  base::Status valid = ValidateSource(text.str());
  if (!valid.ok()) return valid.WithContext("submission " + path);
  return text.str();
}

}  // namespace

base::StatusOr<std::unique_ptr<Engine>> OpenEngine(const GlobalOptions& global, bool needs_secret,
                                                   size_t compile_servers) {
  EngineOptions options;
  options.data_dir = ResolveDataDir(global.data_dir);
  options.database_url = global.database;
  options.problems_dir = ProblemsRoot(global);
  options.source_root = InstalledResources().root;
  options.init = global.init;
  options.needs_secret = needs_secret;
  if (needs_secret) {  // the commands that grade
    options.compile_server = CompileServerOrWarn();
    options.prestart_compile_servers = compile_servers;
  }
  // The first grading of a problem with a compiler builds its precompiled header: say why the
  // grader is quiet for a while.
  options.on_preparing = [](const std::string& problem_id) {
    std::cerr << "grader: preparing " << problem_id
              << " (once per problem and compiler, up to a minute)...\n";
  };
  auto engine = Engine::Open(std::move(options));
  if (engine.ok()) {
    for (const std::string& warning : (*engine)->warnings()) Warn(warning);
  }
  return engine;
}

std::filesystem::path CompileServerOrWarn() {
  std::string missing;
  std::filesystem::path server = CompileServerToUse(&missing);
  if (!missing.empty()) Warn(missing);
  return server;
}

namespace {

// `--format a,b,c`: each format once, in order.
std::vector<std::string> SplitFormats(const std::string& list) {
  std::vector<std::string> formats;
  std::stringstream in(list);
  std::string format;
  while (std::getline(in, format, ',')) {
    if (std::find(formats.begin(), formats.end(), format) == formats.end())
      formats.push_back(format);
  }
  return formats;
}

// The file each format goes to under `grade --out DIR` (Gradescope's name is its own).
std::string FormatFile(const std::string& format) {
  if (format == "gradescope") return "results.json";
  if (format == "junit") return "result.xml";
  if (format == "text") return "result.txt";
  return "result." + format;
}

}  // namespace

int Grade(const GlobalOptions& global, const GradeOptions& options) {
  // Everything the user gave us is checked before anything is created or written.
  const std::vector<std::string> formats =
      options.json ? std::vector<std::string>{"json"} : SplitFormats(options.format);
  for (const std::string& format : formats) {
    if (!IsKnownFormat(format)) {
      return InputError("unknown --format " + format +
                        DidYouMean(format, {"text", "json", "csv", "junit", "gradescope"}));
    }
  }
  if (formats.empty()) return InputError("--format needs at least one format");
  if (formats.size() > 1 && options.out_dir.empty()) {
    return InputError("several formats need --out DIR (one file each, from one attempt)");
  }
  if (!options.out_dir.empty() && !fs::is_directory(options.out_dir)) {
    return InputError("--out " + options.out_dir + ": not a directory");
  }
  if (base::Status s = ValidateLearnerName(options.learner); !s.ok()) {
    return Fail(s.WithContext("--learner"));
  }
  auto problem = FindProblem(global, options.problem);
  if (!problem.ok()) return Fail(problem.status());
  auto source = ReadSubmission(options.file);
  if (!source.ok() && formats == std::vector<std::string>{"gradescope"} &&
      options.out_dir.empty()) {
    // Gradescope needs a results.json whatever happens: the learner sees a 0 and the reason.
    std::cout
        << batch::GradescopeRefusal(*problem, options.learner, source.status().message()).dump(2)
        << "\n";
    return kExitOk;
  }
  if (!source.ok()) return Fail(source.status());
  // The whole data directory is checked here, before anything is compiled.
  auto engine = OpenEngine(global);
  if (!engine.ok()) return Fail(engine.status());
  auto graded = (*engine)->Grade(*problem, options.learner, *source, !options.no_cache);
  if (!graded.ok()) return Fail(graded.status());
  const GradeResult& result = graded->result;
  SubmissionInfo info{graded->submission_id, options.learner};
  // One graded attempt, written in every format asked for.
  batch::GradedEntry entry;
  entry.learner = options.learner;
  entry.file = options.file;
  entry.submission_id = graded->submission_id;
  entry.cache_hit = graded->cache_hit;
  entry.result = result;
  for (const std::string& format : formats) {
    std::string text;
    if (format == "json") {
      text = ResultJson(*problem, info, result).dump(2) + "\n";
    } else if (format == "text") {
      text = ResultText(*problem, info, result);
    } else {
      text = FormatOne(*problem, format, entry);
    }
    if (options.out_dir.empty()) {
      std::cout << text;
    } else if (base::Status s =
                   batch::WriteFileAtomically(fs::path(options.out_dir) / FormatFile(format), text);
               !s.ok()) {
      return Fail(s);
    }
  }
  if (result.status == SubmissionStatus::kInternalError) {
    return InternalError(result.internal_error);
  }
  return kExitOk;
}

int ProblemsBuild(const GlobalOptions& global) {
  auto problems = ReadAllProblems(ProblemsRoot(global));
  if (!problems.ok()) return Fail(problems.status());
  base::Status built =
      PrebuildPacks(*problems, static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  if (!built.ok()) return Fail(built);
  size_t packs = 0;
  for (const ProblemSpec& p : *problems) packs += IsPack(p.dir) ? 1 : 0;
  std::printf("%zu packs compiled or found in the cache\n", packs);
  return kExitOk;
}

int ProblemsList(const GlobalOptions& global, bool json) {
  auto loaded = LoadAllProblems(ProblemsRoot(global));
  if (!loaded.ok()) return Fail(loaded.status());
  auto problems = OrderByPrerequisites(std::move(*loaded));  // prerequisites first
  if (!problems.ok()) return Fail(problems.status());
  nlohmann::json list = nlohmann::json::array();
  for (const ProblemSpec& p : *problems) {
    list.push_back({{"id", p.id},
                    {"title", p.title},
                    {"version", p.version},
                    {"tests", p.tests.size()},
                    {"max_score", p.MaxScore()},
                    {"prerequisites", p.prerequisites},
                    {"skills", p.skills}});
  }
  if (json) {
    std::cout << list.dump(2) << "\n";
    return kExitOk;
  }
  for (const ProblemSpec& p : *problems) {
    std::printf("%-20s v%-3lld %2zu tests  %-40s", p.id.c_str(), static_cast<long long>(p.version),
                p.tests.size(), p.title.c_str());
    if (!p.prerequisites.empty()) {
      std::string after;
      for (const std::string& pre : p.prerequisites) after += (after.empty() ? "" : ", ") + pre;
      std::printf("  after: %s", after.c_str());
    }
    std::printf("\n");
  }
  return kExitOk;
}

int ProblemsShow(const GlobalOptions& global, const std::string& id, bool json) {
  auto problem = FindProblem(global, id);
  if (!problem.ok()) return Fail(problem.status());
  std::ifstream statement_file(problem->dir / "statement.md");
  std::stringstream statement;
  statement << statement_file.rdbuf();
  nlohmann::json entries = nlohmann::json::array();
  for (const EntrySpec& e : problem->entries) {
    entries.push_back({{"name", e.name}, {"signature", e.signature}, {"outputs", e.outputs}});
  }
  nlohmann::json tests = nlohmann::json::array();
  for (const TestSpec& t : problem->tests) {
    tests.push_back({{"name", t.name},
                     {"entry", t.entry},
                     {"visibility", VisibilityName(t.visibility)},
                     {"points", t.points},
                     {"tolerance", t.tolerance}});
  }
  if (json) {
    nlohmann::json out = {{"id", problem->id},
                          {"title", problem->title},
                          {"version", problem->version},
                          {"skills", problem->skills},
                          {"prerequisites", problem->prerequisites},
                          {"statement", statement.str()},
                          {"functions", entries},
                          {"tests", tests}};
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << problem->title << " (" << problem->id << ", version " << problem->version << ")\n\n";
  std::cout << statement.str() << "\n";
  std::cout << "Functions:\n";
  for (const EntrySpec& e : problem->entries) std::cout << "  " << e.signature << ";\n";
  std::cout << "\nTests:\n";
  for (const TestSpec& t : problem->tests) {
    std::printf("  %-22s %-16s %-8s %g point%s\n", t.name.c_str(), t.entry.c_str(),
                VisibilityName(t.visibility), t.points, t.points == 1 ? "" : "s");
  }
  return kExitOk;
}

int ProblemsStarter(const GlobalOptions& global, const std::string& id,
                    const std::string& out_dir) {
  auto problem = FindProblem(global, id);
  if (!problem.ok()) return Fail(problem.status());
  if (out_dir.empty()) {
    std::cout << Starter(*problem);
    return kExitOk;
  }
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return InputError("cannot create " + out_dir + ": " + ec.message());
  for (const auto& [name, text] :
       {std::pair<std::string, std::string>{"starter.cpp", Starter(*problem)},
        {"api.h", ApiHeader(*problem)}}) {
    const fs::path file = fs::path(out_dir) / name;
    std::ofstream out(file, std::ios::trunc | std::ios::binary);
    out << text;
    out.close();
    if (!out) return InputError("cannot write " + file.string());
    std::cout << file.string() << "\n";
  }
  return kExitOk;
}

int ProblemsExport(const GlobalOptions& global, const std::string& id, const std::string& out_dir) {
  auto problem = FindProblem(global, id);
  if (!problem.ok()) return Fail(problem.status());
  const reference::ProblemCode* code = reference::FindProblemCode(problem->id);
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) return InputError("cannot create " + out_dir + ": " + ec.message());
  int written = 0;
  for (const TestSpec& test : problem->tests) {
    if (test.visibility != Visibility::kVisible) continue;  // hidden tests are never exported
    auto inputs = GenerateInputs(test, *test.seed);
    if (!inputs.ok()) return Fail(inputs.status());
    base::StatusOr<reference::Tensors> expected = reference::Tensors();
    const EntrySpec* entry = problem->FindEntry(test.entry);
    if (entry == nullptr || !entry->scoring) {
      expected = reference::Evaluate(code->reference, test.entry, *inputs);
    } else {
      // A training run: what is checked is its data, made from the drawn inputs and data_seed.
      auto data = MakeTrainingData(test, *entry, *test.seed, *code);
      if (!data.ok()) return InternalError(data.status().message());
      inputs = data->data_inputs;
      reference::Tensors made;
      for (const std::string& name : data->made) {
        made[name] = name == entry->scoring->target ? data->target : data->program_inputs[name];
      }
      expected = std::move(made);
    }
    if (!expected.ok()) return InternalError(expected.status().message());
    nlohmann::json doc = {{"problem", problem->id}, {"test", test.name}, {"entry", test.entry}};
    doc["inputs"] = nlohmann::json::object();
    for (const auto& [name, t] : *inputs) doc["inputs"][name] = TensorJson(t);
    doc["expected"] = nlohmann::json::object();
    for (const auto& [name, t] : *expected) doc["expected"][name] = TensorJson(t);
    const fs::path file = fs::path(out_dir) / (test.name + ".json");
    std::ofstream out(file, std::ios::trunc);
    out << doc.dump(1) << "\n";
    out.close();
    if (!out) return InputError("cannot write " + file.string());
    std::cout << file.string() << "\n";
    ++written;
  }
  std::cerr << "exported " << written << " visible test(s) of " << problem->id << "\n";
  return kExitOk;
}

}  // namespace grader::cli
