// End-to-end tests: build/grader run as a user runs it, on the real sandbox and compiler.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

#include "db/store.h"
#include "grader/problem_spec.h"
#include "grader/report.h"
#include "grader/validate.h"
#include "reference/registry.h"
#include "test_util.h"

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
      out.push_back(dir.path().filename().string() + "/starter.cpp");
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
    failures = grader::MistakeFailures(rel, fs::path(rel).stem().string(), graded);
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
    [](const ::testing::TestParamInfo<ProgramCase>& param_info) { return std::string(param_info.param.name); });

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
  json result = GradeJson(g, "linear_backward", kProblems / "linear_backward/mistakes/averaged_over_batch.cpp");
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
        BadInput{"missing_file",
                 [](const fs::path& d) { return GradeArgs(d / "nope.cpp"); }, "does not exist"},
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
        BadInput{"directory",
                 [](const fs::path& d) { return GradeArgs(d); }, "not a regular file"},
        BadInput{"malformed_problem_toml",
                 [](const fs::path& d) {
                   fs::create_directories(d / "problems/relu");
                   for (const char* f : {"api.h", "adapter.h", "statement.md"}) {
                     fs::copy_file(kProblems / "relu" / f, d / "problems/relu" / f);
                   }
                   std::string toml = testing_util::ReadFile(kProblems / "relu/problem.toml");
                   toml.replace(toml.find("points = 2"), 10, "points = -2");
                   WriteFile(d / "problems/relu/problem.toml", toml);
                   return std::vector<std::string>{"--problems", (d / "problems").string(),
                                                   "grade", "--problem", "relu",
                                                   kSolution.string()};
                 },
                 "problems/relu/problem.toml: tests[3].points must be > 0"},
        BadInput{"unwritable_data_dir",
                 [](const fs::path&) {
                   return std::vector<std::string>{"--data-dir", "/proc/grader-data", "grade",
                                                   "--problem", "relu", kSolution.string()};
                 },
                 "/proc/grader-data"},
        BadInput{"missing_problem_option",
                 [](const fs::path&) { return std::vector<std::string>{"grade", kSolution.string()}; },
                 "--problem"},
        BadInput{"bad_learner",
                 [](const fs::path&) {
                   return std::vector<std::string>{"grade", "--problem", "relu", "--learner", "",
                                                   kSolution.string()};
                 },
                 "--learner"}),
    [](const ::testing::TestParamInfo<BadInput>& param_info) { return std::string(param_info.param.name); });

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
      auto expected = reference::Evaluate(reference::FindProblemCode(id)->reference, test.entry,
                                          inputs);
      ASSERT_TRUE(expected.ok());
      for (const auto& [name, tensor] : *expected) {
        EXPECT_EQ(grader::TensorJson(tensor), doc["expected"][name]) << name;
      }
    }
    EXPECT_EQ(static_cast<size_t>(std::distance(fs::directory_iterator(out.path()),
                                                fs::directory_iterator())),
              visible);
  }
}

}  // namespace
