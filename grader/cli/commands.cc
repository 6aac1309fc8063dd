#include "grader/cli/commands.h"

#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/utf8.h"
#include "db/store.h"
#include "grader/curriculum.h"
#include "grader/cli/batch_command.h"
#include "grader/data_dir.h"
#include "grader/batch/outputs.h"
#include "grader/cached_grade.h"
#include "grader/generator.h"
#include "grader/grade.h"
#include "grader/program_builder.h"
#include "grader/resources.h"
#include "grader/report.h"
#include "grader/runner.h"
#include "grader/secret.h"
#include "grader/skills.h"
#include "reference/registry.h"

namespace grader::cli {
namespace {

namespace fs = std::filesystem;

int Fail(const base::Status& status) {
  return status.code() == base::StatusCode::kInternal ? InternalError(status.message())
                                                      : InputError(status.message());
}

}  // namespace

int InputError(const std::string& message) {
  std::cerr << "grader: " << message << "\n";
  return kExitInputError;
}

int InternalError(const std::string& message) {
  std::cerr << "grader: internal error: " << message << "\n";
  return kExitInternalError;
}

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
    auto all = LoadAllProblems(root);
    if (all.ok()) {
      for (const ProblemSpec& p : *all) known += (known.empty() ? "" : ", ") + p.id;
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
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    return base::Status::NotFound("submission " + path + " does not exist");
  }
  if (!S_ISREG(st.st_mode)) return base::Status::InvalidArgument("submission " + path + " is not a regular file");
  if (static_cast<size_t>(st.st_size) > kMaxSourceBytes) {
    return base::Status::InvalidArgument("submission " + path + ": is " + std::to_string(st.st_size) +
                                         " bytes; the limit is " + std::to_string(kMaxSourceBytes));
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

base::Status ValidateLearner(const std::string& learner) {
  if (learner.empty() || learner.size() > 128) {
    return base::Status::InvalidArgument("--learner must be 1 to 128 characters");
  }
  for (char c : learner) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return base::Status::InvalidArgument("--learner must not contain control characters");
    }
  }
  // Also C1 controls, bidirectional overrides and invalid UTF-8: the name is printed and stored.
  if (base::utf8::EscapeForTerminal(learner) != learner) {
    return base::Status::InvalidArgument("--learner must be UTF-8 without control characters");
  }
  return base::Status::Ok();
}

}  // namespace

fs::path WorkParent() {
  const char* tmp = std::getenv("TMPDIR");
  return (tmp != nullptr && *tmp != '\0') ? fs::path(tmp) : fs::path("/tmp");
}

int Grade(const GlobalOptions& global, const GradeOptions& options) {
  // Everything the user gave us is checked before anything is created or written.
  if (!IsKnownFormat(options.format)) return InputError("unknown --format " + options.format);
  if (base::Status s = ValidateLearner(options.learner); !s.ok()) return Fail(s);
  auto problem = FindProblem(global, options.problem);
  if (!problem.ok()) return Fail(problem.status());
  auto source = ReadSubmission(options.file);
  if (!source.ok()) return Fail(source.status());
  auto data_dir = OpenDataDir(ResolveDataDir(global.data_dir));
  if (!data_dir.ok()) return Fail(data_dir.status());
  auto secret = LoadOrCreateSecret(data_dir->secret_key());
  if (!secret.ok()) return Fail(secret.status());
  auto store = db::Store::Open(data_dir->database().string());
  if (!store.ok()) return Fail(store.status());
  // Without a skills.toml (a private problems folder) every skill uses the default parameters.
  auto skills = LoadSkills(ProblemsRoot(global));
  if (!skills.ok() && skills.status().code() != base::StatusCode::kNotFound) {
    return Fail(skills.status());
  }
  const SkillCatalog catalog = skills.ok() ? *skills : SkillCatalog();

  SandboxRunner runner;
  ProgramBuilder builder(runner, InstalledResources().root, data_dir->cache());
  GradeContext context{&runner, &builder, *secret, WorkParent()};
  auto grader = CachedGrader::Create(*problem, context, !options.no_cache);
  if (!grader.ok()) return InternalError(grader.status().message());
  auto graded = grader->GradeAndRecord(**store, options.learner, *source);
  if (!graded.ok()) return InternalError("recording the result failed: " + graded.status().message());
  const GradeResult& result = graded->result;
  SubmissionInfo info{graded->submission_id, options.learner};
  if (options.json || options.format == "json") {
    std::cout << ResultJson(*problem, info, result).dump(2) << "\n";
  } else if (options.format == "text") {
    std::cout << ResultText(*problem, info, result);
  } else {
    std::cout << FormatOne(*problem, options.format,
                           {options.learner, options.file, false, graded->submission_id,
                            graded->cache_hit, 0, result});
  }
  if (result.status == SubmissionStatus::kInternalError) {
    return InternalError(result.internal_error);
  }
  return kExitOk;
}

int ProblemsList(const GlobalOptions& global, bool json) {
  auto loaded = LoadAllProblems(ProblemsRoot(global));
  if (!loaded.ok()) return Fail(loaded.status());
  auto problems = OrderByPrerequisites(std::move(*loaded));  // prerequisites first
  if (!problems.ok()) return Fail(problems.status());
  nlohmann::json list = nlohmann::json::array();
  for (const ProblemSpec& p : *problems) {
    list.push_back({{"id", p.id}, {"title", p.title}, {"version", p.version},
                    {"tests", p.tests.size()}, {"max_score", p.MaxScore()},
                    {"prerequisites", p.prerequisites}, {"skills", p.skills}});
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
    tests.push_back({{"name", t.name}, {"entry", t.entry},
                     {"visibility", VisibilityName(t.visibility)}, {"points", t.points},
                     {"tolerance", t.tolerance}});
  }
  if (json) {
    nlohmann::json out = {{"id", problem->id}, {"title", problem->title},
                          {"version", problem->version}, {"skills", problem->skills},
                          {"prerequisites", problem->prerequisites}, {"statement", statement.str()},
                          {"functions", entries}, {"tests", tests}};
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
    auto expected = reference::Evaluate(code->reference, test.entry, *inputs);
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
