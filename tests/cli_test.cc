// End-to-end tests: build/grader run as a user runs it, on the real sandbox and compiler.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "db/store.h"
#include "grader/glue.h"
#include "grader/problem_spec.h"
#include "grader/report.h"
#include "grader/validate.h"
#include "reference/registry.h"
#include "sandbox/cgroups.h"
#include "test_util.h"
#include "zip_writer.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_util::CommandResult;
using testing_util::Grader;
using testing_util::TempDir;
using testing_util::WriteFile;

const fs::path kProblems = fs::path(GRADER_SOURCE_DIR) / "problems";

json GradeJson(const Grader& g, const std::string& problem, const fs::path& file,
               CommandResult* raw = nullptr) {
  CommandResult r = g.Run({"grade", "--problem", problem, "--json", file.string()});
  if (raw) *raw = r;
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  try {
    return json::parse(r.out);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not JSON: " << r.out << r.err;
    return json::object();
  }
}

int64_t CountSubmissions(const Grader& g) {
  if (!fs::exists(g.data_dir() / "grader.db")) return 0;
  auto store = db::Store::Open((g.data_dir() / "grader.db").string());
  EXPECT_TRUE(store.ok());
  auto list = (*store)->ListSubmissions("", 1000);
  EXPECT_TRUE(list.ok());
  return static_cast<int64_t>(list->size());
}

// --- every problem's own files -------------------------------------------------------------

// kind: "" (solution and starter), "mistakes", or "alternatives" (equivalent correct
// formulations, e.g. momentum written with an unscaled velocity: they must score full marks).
std::vector<std::string> ProblemFiles(const std::string& kind) {
  std::vector<std::string> out;
  for (const auto& dir : fs::directory_iterator(kProblems)) {
    if (!fs::exists(dir.path() / "problem.toml")) continue;
    if (kind.empty()) {
      out.push_back(dir.path().filename().string() + "/solution.cpp");
      // The starter is generated from problem.toml unless the folder keeps its own.
      if (fs::exists(dir.path() / "starter.cpp")) {
        out.push_back(dir.path().filename().string() + "/starter.cpp");
      }
      continue;
    }
    if (!fs::exists(dir.path() / kind)) continue;
    for (const auto& m : fs::directory_iterator(dir.path() / kind)) {
      out.push_back(dir.path().filename().string() + "/" + kind + "/" +
                    m.path().filename().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string TestName(const ::testing::TestParamInfo<std::string>& param_info) {
  std::string name = param_info.param;
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

class OwnFilesTest : public ::testing::TestWithParam<std::string> {};

// The fields of `grade --json` the validation rules (grader/validate.h) look at.
grader::GradeResult ResultFromJson(const json& j) {
  grader::GradeResult r;
  const std::string status = j.value("status", "");
  r.status = status == "graded"          ? grader::SubmissionStatus::kGraded
             : status == "compile_error" ? grader::SubmissionStatus::kCompileError
                                         : grader::SubmissionStatus::kInternalError;
  r.score = j.value("score", 0.0);
  r.max_score = j.value("max_score", 0.0);
  r.compile_output = j.value("compile_output", "");
  for (const auto& t : j.value("tests", json::array())) {
    grader::TestResult test;
    test.name = t.value("name", "");
    test.message = t.value("message", "");
    test.score = t.value("score", 0.0);
    test.max_score = t.value("max_score", 0.0);
    test.verdict = t.value("verdict", "") == "passed" ? grader::Verdict::kPassed
                                                      : grader::Verdict::kWrongAnswer;
    if (t.contains("diagnosis") && t["diagnosis"].contains("misconception")) {
      grader::Diagnosis d;
      d.kind = grader::Diagnosis::Kind::kMisconception;
      d.misconception = t["diagnosis"]["misconception"].get<std::string>();
      test.diagnosis = d;
    }
    r.tests.push_back(test);
  }
  return r;
}

TEST_P(OwnFilesTest, SolutionFullMarksOthersLess) {
  const std::string rel = GetParam();
  const std::string problem = rel.substr(0, rel.find('/'));
  Grader g;
  json result = GradeJson(g, problem, kProblems / rel);
  ASSERT_EQ(result["status"], "graded") << result.dump(2);
  ASSERT_GT(result["max_score"].get<double>(), 0);
  const grader::GradeResult graded = ResultFromJson(result);
  std::vector<std::string> failures;
  if (rel.ends_with("/solution.cpp") || rel.find("/alternatives/") != std::string::npos) {
    failures = grader::SolutionFailures(rel, graded);
  } else if (rel.find("/mistakes/") != std::string::npos) {
    // A training problem's mistakes are named for what they do and must land in a lower tier;
    // every other mistake is named for the mutant it must be diagnosed as.
    auto spec = grader::LoadProblem(kProblems / problem);
    ASSERT_TRUE(spec.ok()) << spec.status().message();
    failures = spec->TierScored()
                   ? grader::TierMistakeFailures(rel, graded)
                   : grader::MistakeFailures(rel, fs::path(rel).stem().string(), graded);
  } else {
    failures = grader::StarterFailures(graded);
  }
  EXPECT_EQ(failures, std::vector<std::string>()) << result.dump(2);
  EXPECT_EQ(CountSubmissions(g), 1);
}

INSTANTIATE_TEST_SUITE_P(Problems, OwnFilesTest, ::testing::ValuesIn(ProblemFiles("")), TestName);
INSTANTIATE_TEST_SUITE_P(Mistakes, OwnFilesTest, ::testing::ValuesIn(ProblemFiles("mistakes")),
                         TestName);
INSTANTIATE_TEST_SUITE_P(Alternatives, OwnFilesTest,
                         ::testing::ValuesIn(ProblemFiles("alternatives")), TestName);

// --- hostile and broken programs get their verdicts ----------------------------------------

struct ProgramCase {
  const char* name;
  const char* body;  // defines relu_forward and relu_backward
  const char* verdict;
};

void PrintTo(const ProgramCase& c, std::ostream* os) { *os << c.name; }

class VerdictTest : public ::testing::TestWithParam<ProgramCase> {};

TEST_P(VerdictTest, GetsItsVerdictAndGraderSurvives) {
  TempDir dir;
  const fs::path file = dir.path() / "submission.cpp";
  WriteFile(file, std::string("#include <Eigen/Dense>\n#include <cstdio>\n#include <cstdlib>\n"
                              "#include <vector>\n") +
                      GetParam().body +
                      "\nEigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, "
                      "const Eigen::MatrixXd& dA) { return relu_forward(Z + 0 * dA); }\n");
  Grader g;
  json result = GradeJson(g, "relu", file);
  ASSERT_EQ(result["status"], "graded") << result.dump(2);
  bool found = false;
  for (const auto& t : result["tests"]) found |= t["verdict"] == GetParam().verdict;
  EXPECT_TRUE(found) << result.dump(2);
  EXPECT_LT(result["score"].get<double>(), result["max_score"].get<double>());
}

INSTANTIATE_TEST_SUITE_P(
    Programs, VerdictTest,
    ::testing::Values(
        ProgramCase{"infinite_loop",
                    "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {"
                    " volatile long x = 0; for (;;) ++x; return Z; }",
                    "time_limit"},
        ProgramCase{"memory_hog",
                    "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {"
                    " std::vector<std::vector<char>> v; for (;;) v.emplace_back(64 << 20, 1);"
                    " return Z; }",
                    "memory_limit"},
        ProgramCase{"output_flood",
                    "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {"
                    " for (;;) std::fputs(\"spam spam spam spam spam spam\\n\", stdout);"
                    " return Z; }",
                    "output_limit"},
        ProgramCase{"segfault",
                    "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {"
                    " volatile int* p = nullptr; *p = 1; return Z; }",
                    "runtime_error"},
        ProgramCase{"exit_early",
                    "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {"
                    " std::exit(0); return Z; }",
                    "protocol_error"},
        ProgramCase{"dimension_mismatch",
                    "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {"
                    " return Z * Z; }",
                    "runtime_error"},
        ProgramCase{"nan_output",
                    "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {"
                    " Eigen::MatrixXd A(Z.rows(), Z.cols()); return A; }",
                    "non_finite"},
        ProgramCase{"wrong_shape",
                    "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {"
                    " return Z.transpose().cwiseMax(0.0); }",
                    "shape_mismatch"}),
    [](const ::testing::TestParamInfo<ProgramCase>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(CliTest, EigenAssertionNamedForVisibleTests) {
  TempDir dir;
  const fs::path file = dir.path() / "s.cpp";
  WriteFile(file,
            "#include <Eigen/Dense>\n"
            "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z * Z; }\n"
            "Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA)"
            " { return Z + dA; }\n");
  Grader g;
  json result = GradeJson(g, "relu", file);
  const json& forward_small = result["tests"][0];
  ASSERT_EQ(forward_small["name"], "forward_small");
  EXPECT_EQ(forward_small["verdict"], "runtime_error");
  EXPECT_NE(forward_small["message"].get<std::string>().find("Eigen assertion"), std::string::npos)
      << forward_small.dump();
  EXPECT_NE(forward_small["message"].get<std::string>().find("invalid matrix product"),
            std::string::npos)
      << forward_small.dump();
}

TEST(CliTest, CompileErrorIsAResultNotAFailure) {
  TempDir dir;
  const fs::path file = dir.path() / "broken.cpp";
  WriteFile(file, "this is not C++;\n");
  Grader g;
  json result = GradeJson(g, "relu", file);
  EXPECT_EQ(result["status"], "compile_error");
  EXPECT_EQ(result["score"], 0);
  EXPECT_FALSE(result["compile_output"].get<std::string>().empty());
  for (const auto& t : result["tests"]) EXPECT_EQ(t["verdict"], "compile_error");
  EXPECT_EQ(CountSubmissions(g), 1);
}

TEST(CliTest, LearnerMainIsACompileError) {
  TempDir dir;
  const fs::path file = dir.path() / "main.cpp";
  WriteFile(file, testing_util::ReadFile(kProblems / "relu/solution.cpp") +
                      "\nint main() { return 0; }\n");
  Grader g;
  json result = GradeJson(g, "relu", file);
  EXPECT_EQ(result["status"], "compile_error") << result.dump(2);
}

TEST(CliTest, HiddenTestsRevealNoValues) {
  Grader g;
  json result = GradeJson(g, "linear_backward",
                          kProblems / "linear_backward/mistakes/averaged_over_batch.cpp");
  int hidden = 0;
  for (const auto& t : result["tests"]) {
    if (t["visibility"] != "hidden") {
      EXPECT_NE(t["message"].get<std::string>().find("got"), std::string::npos) << t.dump();
      continue;
    }
    ++hidden;
    EXPECT_EQ(t["verdict"], "wrong_answer");
    EXPECT_TRUE(t["max_rel_error"].is_null());
    const std::string message = t["message"];
    EXPECT_EQ(message.find("got"), std::string::npos) << message;
    EXPECT_EQ(message.find_first_of("0123456789"), std::string::npos) << message;
  }
  EXPECT_GE(hidden, 1);
}

TEST(CliTest, TextOutputAndRecordedInStore) {
  Grader g;
  CommandResult r = g.Run({"grade", "--problem", "linear_backward", "--learner", "alice",
                           (kProblems / "linear_backward/solution.cpp").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Score: 6 / 6"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hidden_medium"), std::string::npos) << r.out;
  auto store = db::Store::Open((g.data_dir() / "grader.db").string());
  ASSERT_TRUE(store.ok());
  auto list = (*store)->ListSubmissions("alice", 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  auto sub = (*store)->GetSubmission((*list)[0].id);
  ASSERT_TRUE(sub.ok());
  EXPECT_EQ(sub->problem_id, "linear_backward");
  EXPECT_EQ(sub->status, "graded");
  EXPECT_EQ(sub->score, 6);
  EXPECT_EQ(sub->tests.size(), 4u);
  EXPECT_EQ(sub->source, testing_util::ReadFile(kProblems / "linear_backward/solution.cpp"));
  // The secret key exists and is private.
  EXPECT_EQ(fs::status(g.data_dir() / "secret.key").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

// --- bad input: a one-line error, a non-zero exit, nothing recorded -------------------------

struct BadInput {
  const char* name;
  std::function<std::vector<std::string>(const fs::path& dir)> args;
  const char* expect;
};

void PrintTo(const BadInput& c, std::ostream* os) { *os << c.name; }

class BadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputTest, ClearErrorAndNothingWritten) {
  TempDir dir;
  Grader g;
  CommandResult r = g.Run(GetParam().args(dir.path()));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find(GetParam().expect), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(CountSubmissions(g), 0);
}

std::vector<std::string> GradeArgs(const fs::path& file, const std::string& problem = "relu") {
  return {"grade", "--problem", problem, file.string()};
}

const fs::path kSolution = kProblems / "relu/solution.cpp";

INSTANTIATE_TEST_SUITE_P(
    Cases, BadInputTest,
    ::testing::Values(
        BadInput{"unknown_problem",
                 [](const fs::path&) { return GradeArgs(kSolution, "no_such_problem"); },
                 "unknown problem \"no_such_problem\""},
        BadInput{"missing_file", [](const fs::path& d) { return GradeArgs(d / "nope.cpp"); },
                 "does not exist"},
        BadInput{"empty_file",
                 [](const fs::path& d) {
                   WriteFile(d / "e.cpp", "  \n");
                   return GradeArgs(d / "e.cpp");
                 },
                 "empty"},
        BadInput{"not_utf8",
                 [](const fs::path& d) {
                   WriteFile(d / "l.cpp", "int x; // caf\xe9\n");
                   return GradeArgs(d / "l.cpp");
                 },
                 "UTF-8"},
        BadInput{"nul_byte",
                 [](const fs::path& d) {
                   WriteFile(d / "n.cpp", std::string("int x;\0\n", 8));
                   return GradeArgs(d / "n.cpp");
                 },
                 "NUL"},
        BadInput{"ten_megabytes",
                 [](const fs::path& d) {
                   WriteFile(d / "big.cpp", std::string(10 << 20, ' ') + "int x;");
                   return GradeArgs(d / "big.cpp");
                 },
                 "limit"},
        BadInput{"directory", [](const fs::path& d) { return GradeArgs(d); }, "not a regular file"},
        BadInput{"malformed_problem_toml",
                 [](const fs::path& d) {
                   fs::create_directories(d / "problems/relu");
                   for (const char* f : {"reference.cc", "statement.md"}) {
                     fs::copy_file(kProblems / "relu" / f, d / "problems/relu" / f);
                   }
                   std::string toml = testing_util::ReadFile(kProblems / "relu/problem.toml");
                   toml.replace(toml.find("points = 2"), 10, "points = -2");
                   WriteFile(d / "problems/relu/problem.toml", toml);
                   return std::vector<std::string>{"--problems", (d / "problems").string(),
                                                   "grade",      "--problem",
                                                   "relu",       kSolution.string()};
                 },
                 "problems/relu/problem.toml: tests[3].points must be > 0"},
        BadInput{"unwritable_data_dir",
                 [](const fs::path&) {
                   return std::vector<std::string>{"--data-dir", "/proc/grader-data",
                                                   "grade",      "--problem",
                                                   "relu",       kSolution.string()};
                 },
                 "/proc/grader-data"},
        BadInput{"missing_problem_option",
                 [](const fs::path&) {
                   return std::vector<std::string>{"grade", kSolution.string()};
                 },
                 "--problem"},
        BadInput{"bad_learner",
                 [](const fs::path&) {
                   return std::vector<std::string>{"grade",     "--problem", "relu",
                                                   "--learner", "",          kSolution.string()};
                 },
                 "--learner"}),
    [](const ::testing::TestParamInfo<BadInput>& param_info) {
      return std::string(param_info.param.name);
    });

// --- problems list / show / export ---------------------------------------------------------

TEST(ProblemsTest, ListAndShow) {
  Grader g;
  CommandResult list = g.Run({"problems", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  for (const char* id : {"linear_forward", "linear_backward", "relu"}) {
    EXPECT_NE(list.out.find(id), std::string::npos) << list.out;
  }
  CommandResult show = g.Run({"problems", "show", "linear_backward", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  json doc = json::parse(show.out);
  EXPECT_EQ(doc["functions"][0]["signature"],
            "LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W, "
            "const Eigen::MatrixXd& dY)");
  EXPECT_NE(doc["statement"].get<std::string>().find("dW = Xᵀ dY"), std::string::npos);
  bool has_hidden = false;
  for (const auto& t : doc["tests"]) has_hidden |= t["visibility"] == "hidden";
  EXPECT_TRUE(has_hidden);
  CommandResult missing = g.Run({"problems", "show", "nope"});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST(ProblemsTest, ExportRoundTripsAndHidesHiddenTests) {
  for (const char* id : {"linear_forward", "linear_backward", "relu"}) {
    TempDir out;
    Grader g;
    CommandResult r = g.Run({"problems", "export", id, "--out", out.path().string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    auto spec = grader::LoadProblem(kProblems / id);
    ASSERT_TRUE(spec.ok());
    size_t visible = 0;
    for (const auto& test : spec->tests) {
      const fs::path file = out.path() / (test.name + ".json");
      if (test.visibility == grader::Visibility::kHidden) {
        EXPECT_FALSE(fs::exists(file)) << file;
        continue;
      }
      ++visible;
      ASSERT_TRUE(fs::exists(file)) << file;
      json doc = json::parse(testing_util::ReadFile(file));
      EXPECT_EQ(doc["problem"], id);
      EXPECT_EQ(doc["test"], test.name);
      EXPECT_EQ(doc["entry"], test.entry);
      // Rebuild the inputs from the JSON, run the reference, and get the exported expectation.
      reference::Tensors inputs;
      for (const auto& input : test.inputs) {
        auto t = grader::TensorFromJson(doc["inputs"][input.name], input.kind);
        ASSERT_TRUE(t.ok()) << t.status().message();
        inputs[input.name] = *t;
      }
      auto expected =
          reference::Evaluate(reference::FindProblemCode(id)->reference, test.entry, inputs);
      ASSERT_TRUE(expected.ok());
      for (const auto& [name, tensor] : *expected) {
        EXPECT_EQ(grader::TensorJson(tensor), doc["expected"][name]) << name;
      }
    }
    EXPECT_EQ(static_cast<size_t>(
                  std::distance(fs::directory_iterator(out.path()), fs::directory_iterator())),
              visible);
  }
}

// --- --problems DIR: the problem's files come from DIR, for the PCH and the harness alike -----

// Points $GRADER_CACHE (which the grader reads before Grader::Run's default) at `dir`, so that a
// build cannot be served from the shared cache that the source tree's problems/ filled.
class ScopedCacheDir {
 public:
  explicit ScopedCacheDir(const fs::path& dir) {
    if (const char* old = std::getenv("GRADER_CACHE")) old_ = old;
    setenv("GRADER_CACHE", dir.c_str(), 1);
  }
  ~ScopedCacheDir() {
    if (old_) {
      setenv("GRADER_CACHE", old_->c_str(), 1);
    } else {
      unsetenv("GRADER_CACHE");
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST(ProblemsDirTest, UnmodifiedCopyGivesFullMarks) {
  // clip_grad_norm's api.h declares a type (ClipResult): included by two paths, it was defined
  // twice and every grade exited 3.
  TempDir dir;
  fs::copy(kProblems, dir.path() / "problems", fs::copy_options::recursive);
  ScopedCacheDir cold_cache(dir.path() / "cache");
  Grader g;
  CommandResult r =
      g.Run({"--problems", (dir.path() / "problems").string(), "grade", "--problem",
             "clip_grad_norm", "--json", (kProblems / "clip_grad_norm/solution.cpp").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  json result = json::parse(r.out);
  EXPECT_EQ(result["status"], "graded") << r.out;
  EXPECT_GT(result["max_score"].get<double>(), 0);
  EXPECT_EQ(result["score"], result["max_score"]) << r.out;
}

TEST(ProblemsDirTest, ModifiedCopysCustomAdapterIsTheOneCompiled) {
  // The copy declares its entry "custom" and brings its own adapter.h: the generated adapter
  // with a Learner that reports twice the learner's total norm. The learner's program must be
  // built with the copy's adapter (so the correct solution loses every test), while the copy's
  // reference.cc, which includes the same adapter.h, is unchanged: Call does not use Learner.
  TempDir dir;
  const fs::path copy = dir.path() / "problems";
  fs::copy(kProblems, copy, fs::copy_options::recursive);
  auto spec = grader::ReadProblem(kProblems / "clip_grad_norm");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  std::string adapter = grader::Adapter(*spec);
  const std::string call = "return ::clip_grad_norm(grads, max_norm);";
  ASSERT_NE(adapter.find(call), std::string::npos) << adapter;
  adapter.replace(adapter.find(call), call.size(),
                  "ClipResult r = ::clip_grad_norm(grads, max_norm);"
                  " r.total_norm *= CopiedScale(); return r;");
  const std::string ns = "namespace problems::clip_grad_norm {";
  ASSERT_NE(adapter.find(ns), std::string::npos);
  adapter.insert(adapter.find(ns), "inline double CopiedScale() { return 2.0; }\n");
  WriteFile(copy / "clip_grad_norm/adapter.h", adapter);
  const fs::path toml = copy / "clip_grad_norm/problem.toml";
  std::string text = testing_util::ReadFile(toml);
  const std::string list_entry =
      "pattern = \"list\"\nfunction = \"clip_grad_norm\"\npack = { grads = [\"G1\", \"G2\", "
      "\"G3\"] }\nlist = \"grads\"\nitems = \"gradients\"\n";
  ASSERT_NE(text.find(list_entry), std::string::npos);
  text.replace(text.find(list_entry), list_entry.size(),
               "pattern = \"custom\"\nfunction = \"clip_grad_norm\"\n");
  WriteFile(toml, text);
  Grader g;
  CommandResult r = g.Run({"--problems", copy.string(), "grade", "--problem", "clip_grad_norm",
                           "--json", (kProblems / "clip_grad_norm/solution.cpp").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  json result = json::parse(r.out);
  ASSERT_EQ(result["status"], "graded") << r.out;
  EXPECT_EQ(result["score"].get<double>(), 0) << r.out;
  for (const auto& t : result["tests"]) EXPECT_NE(t["verdict"], "passed") << t.dump();
}

// --- hostile inputs: zips and problem specs that crashed or exhausted the grader ------------

struct MeasuredRun {
  int exit_code = -1;
  std::string err;
  long peak_rss_kib = 0;  // of the grader and every descendant it waited for
};

// Runs build/grader and reads its peak memory from wait4 (getrusage of that child only).
MeasuredRun RunMeasured(const Grader& g, std::vector<std::string> args) {
  TempDir io;
  const std::string err_path = (io.path() / "err").string();
  args.insert(args.begin(), {testing_util::GraderBinary(), "--data-dir", g.data_dir().string()});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0600);
  MeasuredRun run;
  pid_t pid = 0;
  const int spawned = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return run;
  int status = 0;
  struct rusage usage {};
  if (wait4(pid, &status, 0, &usage) != pid) return run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.peak_rss_kib = usage.ru_maxrss;
  run.err = testing_util::ReadFile(err_path);
  return run;
}

TEST(HostileInputTest, ZipOfManyTinyEntriesStaysSmall) {
  // Each entry used to hold a 256 KiB buffer: 4,000 entries took about 1 GiB. They are empty
  // files (skipped as such), so nothing is compiled and the peak is the grader's own.
  TempDir dir;
  std::vector<testing_util::ZipEntry> entries;
  for (int i = 0; i < 4000; ++i) {
    std::string name = std::to_string(i);
    name.insert(0, 1, 'l');
    name += ".cpp";
    entries.push_back({name, " \n"});
  }
  const fs::path zip = dir.path() / "many.zip";
  ASSERT_TRUE(testing_util::WriteZip(zip, entries));
  Grader g;
  MeasuredRun r = RunMeasured(g, {"batch", "--problem", "relu", zip.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err.substr(0, 2000);
  EXPECT_NE(r.err.find("no submissions found"), std::string::npos) << r.err.substr(0, 2000);
  EXPECT_LT(r.peak_rss_kib, 256 * 1024) << "peak " << r.peak_rss_kib << " KiB";
}

TEST(HostileInputTest, ZipEntryWithAHugeNameIsSkipped) {
  // A name of 26,000 characters overflowed the stack (std::regex recursion): exit 139.
  TempDir dir;
  const fs::path zip = dir.path() / "long.zip";
  ASSERT_TRUE(testing_util::WriteZip(zip, {{std::string(26000, 'a') + ".cpp", "int x;\n"}}));
  Grader g;
  MeasuredRun r = RunMeasured(g, {"batch", "--problem", "relu", zip.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err.substr(0, 2000);
  EXPECT_NE(r.err.find("path longer than 1024 characters"), std::string::npos)
      << r.err.substr(0, 2000);
  EXPECT_LT(r.err.size(), 2000u);
}

TEST(HostileInputTest, OverflowingShapeIsAnInputError) {
  // std::stoll on "99999999999999999999" threw out of every command: exit 134.
  TempDir dir;
  fs::create_directories(dir.path() / "problems/relu");
  for (const char* f : {"reference.cc", "statement.md"}) {
    fs::copy_file(kProblems / "relu" / f, dir.path() / "problems/relu" / f);
  }
  std::string toml = testing_util::ReadFile(kProblems / "relu/problem.toml");
  const size_t shape = toml.find("shape = [\"N\"");
  ASSERT_NE(shape, std::string::npos);
  toml.replace(shape, 12, "shape = [\"99999999999999999999\"");
  WriteFile(dir.path() / "problems/relu/problem.toml", toml);
  Grader g;
  for (std::vector<std::string> command :
       {std::vector<std::string>{"problems", "list"},
        std::vector<std::string>{"grade", "--problem", "relu",
                                 (kProblems / "relu/solution.cpp").string()}}) {
    command.insert(command.begin(), {"--problems", (dir.path() / "problems").string()});
    CommandResult r = g.Run(command);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("problems/relu/problem.toml: entries."), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("shape[0] must be a dimension name or an integer in 1..4096"),
              std::string::npos)
        << r.err;
  }
  EXPECT_EQ(CountSubmissions(g), 0);
}

// --- a killed grader's leftovers are removed by the next run -------------------------------

// Entries of `dir` whose name starts with `prefix`.
std::vector<fs::path> Named(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) found.push_back(entry.path());
  }
  return found;
}

TEST(LeftoversTest, NextRunRemovesAKilledGradersWorkDirAndCgroups) {
  TempDir tmp;  // the graders' $TMPDIR
  TempDir dir;
  const fs::path spin = dir.path() / "spin.cpp";
  WriteFile(spin,
            "#include <Eigen/Dense>\n"
            "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {"
            " volatile long x = 0; for (;;) ++x; return Z; }\n"
            "Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA)"
            " { for (;;) {} return dA; }\n");
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    if (entry.rfind("TMPDIR=", 0) != 0 && entry.rfind("GRADER_CACHE=", 0) != 0) {
      env_storage.push_back(entry);
    }
  }
  env_storage.push_back("TMPDIR=" + tmp.path().string());
  env_storage.push_back(std::string("GRADER_CACHE=") + GRADER_TEST_CACHE_DIR);
  std::vector<char*> env;
  for (std::string& e : env_storage) env.push_back(e.data());
  env.push_back(nullptr);
  Grader g;
  auto spawn = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {testing_util::GraderBinary(), "--data-dir", g.data_dir().string()});
    return testing_util::SpawnQuiet(args, env.data());
  };

  // Kill the first grader once it has a work directory and (where the host has cgroups) a box
  // group: mid-compile or mid-test, whichever the poll sees first.
  const pid_t victim = spawn({"grade", "--problem", "relu", spin.string()});
  ASSERT_GT(victim, 0);
  const std::string work_prefix = "dlgrader-" + std::to_string(victim) + "-";
  const std::string group_prefix = "dlgrader-box-" + std::to_string(victim) + "-";
  // The graders it starts make their box groups where this process would.
  std::vector<fs::path> cgroup_parents;
  for (const std::string& parent : sandbox::OwnGroupParents()) cgroup_parents.push_back(parent);
  auto leftovers = [&] {
    std::vector<fs::path> found = Named(tmp.path(), work_prefix);
    for (const fs::path& parent : cgroup_parents) {
      for (const fs::path& group : Named(parent, group_prefix)) found.push_back(group);
    }
    return found;
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  bool seen = false;
  while (!seen && std::chrono::steady_clock::now() < deadline) {
    seen = !Named(tmp.path(), work_prefix).empty();
    for (const fs::path& parent : cgroup_parents)
      seen = seen && !Named(parent, group_prefix).empty();
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_TRUE(seen) << "no work directory named " << work_prefix << " appeared";
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(victim, &status, 0), victim);
  ASSERT_FALSE(leftovers().empty());  // what the kill left behind

  // The next run, as a user starts it, removes them before its own work.
  const pid_t next = spawn({"grade", "--problem", "relu", kSolution.string()});
  ASSERT_EQ(waitpid(next, &status, 0), next);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  for (const fs::path& left : leftovers()) ADD_FAILURE() << "left behind: " << left;
}

}  // namespace
