// Self-checks of the problem set, without compiling any learner code. The rules themselves live
// in grader/validate.h (docs/validation.md), shared with `grader problems validate`:
// - mutation adequacy: every mutant is separated from the reference for every deployment secret
//   and from every other mutant of its entry;
// - every mistakes/<stem>.cpp names a registered mutant of its problem;
// - the prerequisites form a DAG that leads from linear_forward to adamw_step and layernorm;
// - forced inputs (docs/problem-format.md) are parsed, validated and placed.
#include "grader/curriculum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include "grader/generator.h"
#include "grader/problem_spec.h"
#include "grader/skills.h"
#include "grader/validate.h"
#include "reference/registry.h"

namespace {

namespace fs = std::filesystem;
using reference::Tensors;

const fs::path kProblems = fs::path(GRADER_SOURCE_DIR) / "problems";

std::vector<grader::ProblemSpec> AllSpecs() {
  auto specs = grader::LoadAllProblems(kProblems);
  EXPECT_TRUE(specs.ok()) << specs.status().message();
  return specs.ok() ? *specs : std::vector<grader::ProblemSpec>{};
}

class ProblemCheck : public ::testing::TestWithParam<std::string> {};

// Two secrets stand for any deployment; the rule itself covers every secret for the
// mutant-vs-reference separation.
TEST_P(ProblemCheck, MutantsAreSeparatedFromReferenceAndEachOther) {
  auto spec = grader::LoadProblem(kProblems / GetParam());
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const reference::ProblemCode* code = reference::FindProblemCode(GetParam());
  ASSERT_NE(code, nullptr);
  for (const std::string secret : {"curriculum secret one", "curriculum secret two"}) {
    EXPECT_EQ(grader::CheckAdequacy(*spec, *code, secret), std::vector<std::string>())
        << "secret: " << secret;
  }
}

TEST_P(ProblemCheck, EveryMistakeNamesAMutantAndEveryProblemHasThree) {
  auto spec = grader::LoadProblem(kProblems / GetParam());
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const reference::ProblemCode* code = reference::FindProblemCode(GetParam());
  ASSERT_NE(code, nullptr);
  EXPECT_EQ(grader::CheckMutantsAndMistakeFiles(*spec, *code), std::vector<std::string>());
}

// Every problem folder, sorted. Not reference::RegisteredProblemIds(): at this point (test
// registration) no pack is loaded yet, so it would leave out every problem whose code is a pack
// (problems/<id>/reference.cc); each test loads its problem (LoadProblem) before looking it up.
std::vector<std::string> ProblemFolders() {
  std::vector<std::string> ids;
  for (const fs::directory_entry& entry : fs::directory_iterator(kProblems)) {
    if (fs::exists(entry.path() / "problem.toml")) ids.push_back(entry.path().filename().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

INSTANTIATE_TEST_SUITE_P(Curriculum, ProblemCheck, ::testing::ValuesIn(ProblemFolders()),
                         [](const auto& param_info) { return param_info.param; });

TEST(CurriculumTest, EveryProblemFolderHasRegisteredCode) {
  for (const grader::ProblemSpec& p : AllSpecs()) {
    EXPECT_NE(reference::FindProblemCode(p.id), nullptr) << p.id;
  }
}

TEST(CurriculumTest, PrerequisitesFormADagFromLinearForward) {
  auto ordered = grader::OrderByPrerequisites(AllSpecs());
  ASSERT_TRUE(ordered.ok()) << ordered.status().message();
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < ordered->size(); ++i) position[(*ordered)[i].id] = i;
  ASSERT_EQ(ordered->front().id, "linear_forward");
  std::map<std::string, std::vector<std::string>> prereqs;
  for (const grader::ProblemSpec& p : *ordered) {
    prereqs[p.id] = p.prerequisites;
    for (const std::string& q : p.prerequisites) {
      EXPECT_LT(position.at(q), position.at(p.id)) << q << " must come before " << p.id;
    }
  }
  // Every problem leads back to linear_forward; the two ends the issue names are reached.
  std::function<bool(const std::string&)> reaches_root = [&](const std::string& id) {
    if (id == "linear_forward") return true;
    for (const std::string& q : prereqs[id]) {
      if (reaches_root(q)) return true;
    }
    return false;
  };
  for (const auto& [id, list] : prereqs) EXPECT_TRUE(reaches_root(id)) << id;
  EXPECT_TRUE(position.count("adamw_step"));
  EXPECT_TRUE(position.count("layernorm"));
}

TEST(CurriculumTest, OrderRejectsCyclesAndUnknownPrerequisites) {
  grader::ProblemSpec a, b;
  a.id = "a";
  b.id = "b";
  a.prerequisites = {"b"};
  b.prerequisites = {"a"};
  auto cycle = grader::OrderByPrerequisites({a, b});
  ASSERT_FALSE(cycle.ok());
  EXPECT_NE(cycle.status().message().find("cycle among: a, b"), std::string::npos);
  b.prerequisites = {"missing"};
  auto unknown = grader::OrderByPrerequisites({a, b});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("\"missing\" is not a problem"), std::string::npos)
      << unknown.status().message();
}

// Every skill tag a problem, test or mutant carries is declared with a description in
// problems/skills.toml.
TEST(CurriculumTest, EverySkillTagIsDeclared) {
  auto catalog = grader::LoadSkills(kProblems);
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  for (const grader::ProblemSpec& p : AllSpecs()) {
    const reference::ProblemCode* code = reference::FindProblemCode(p.id);
    ASSERT_NE(code, nullptr) << p.id;
    EXPECT_EQ(grader::CheckSkills(p, *code, *catalog), std::vector<std::string>()) << p.id;
  }
}

// --- forced inputs ---------------------------------------------------------------------------

const std::string kForcedSpec = R"toml(
id = "p"
title = "Forced"
version = 1
skills = ["s"]
[functions.f]
returns = "matrix"
params = [{ name = "Z", type = "matrix" }, { name = "y", type = "labels" }]
[entries.f]
pattern = "call"
function = "f"
outputs = ["Y"]
[entries.f.inputs]
Z = { shape = ["N", "K"], scale = 3.0 }
y = { shape = ["N"], kind = "labels", classes = "K" }
[[tests]]
name = "plain"
entry = "f"
visibility = "hidden"
dims = { N = 4, K = 5 }
[[tests]]
name = "forced"
entry = "f"
visibility = "hidden"
dims = { N = 4, K = 5 }
inputs = { Z = { forced = [{ row = 0, col = 4, value = 800.0 }, { row = 3, col = 0, value = -800.0 }] }, y = { forced = [{ row = 2, value = 4 }] } }
)toml";

std::string WithForcedZ(const std::string& forced) {
  std::string text = kForcedSpec;
  const std::string from =
      "forced = [{ row = 0, col = 4, value = 800.0 }, { row = 3, col = 0, value = -800.0 }]";
  text.replace(text.find(from), from.size(), forced);
  return text;
}

TEST(ForcedInputsTest, PlacedOnEverySeedAndTheRestOfTheDataUnchanged) {
  auto spec = grader::ParseProblem(kForcedSpec, "p/problem.toml");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  for (uint64_t seed : {1ULL, 2ULL, 777ULL}) {
    auto plain = grader::GenerateInputs(spec->tests[0], seed);
    auto forced = grader::GenerateInputs(spec->tests[1], seed);
    ASSERT_TRUE(plain.ok() && forced.ok());
    const reference::Tensor& z = forced->at("Z");
    EXPECT_EQ(z.at(0, 4), 800.0);
    EXPECT_EQ(z.at(3, 0), -800.0);
    EXPECT_EQ(forced->at("y").at(2, 0), 4.0);
    // Every other entry is the plain test's draw: forcing does not shift the random stream.
    for (int64_t i = 0; i < z.rows; ++i) {
      for (int64_t k = 0; k < z.cols; ++k) {
        if ((i == 0 && k == 4) || (i == 3 && k == 0)) continue;
        EXPECT_EQ(z.at(i, k), plain->at("Z").at(i, k));
      }
    }
  }
}

struct BadForced {
  const char* name;
  std::string forced;
  std::string expect;
};

class ForcedErrorTest : public ::testing::TestWithParam<BadForced> {};

TEST_P(ForcedErrorTest, NamesTheBrokenConstraint) {
  auto spec = grader::ParseProblem(WithForcedZ(GetParam().forced), "p/problem.toml");
  ASSERT_FALSE(spec.ok()) << GetParam().name;
  EXPECT_NE(spec.status().message().find(GetParam().expect), std::string::npos)
      << spec.status().message();
}

INSTANTIATE_TEST_SUITE_P(
    Bad, ForcedErrorTest,
    ::testing::Values(
        BadForced{"not_array", "forced = 800.0", "tests[1].inputs.Z.forced must be an array"},
        BadForced{"not_table", "forced = [800.0]", "tests[1].inputs.Z.forced[0] must be a table"},
        BadForced{"no_value", "forced = [{ row = 0, col = 0 }]",
                  "tests[1].inputs.Z.forced[0].value is required"},
        BadForced{"no_row", "forced = [{ col = 0, value = 1.0 }]",
                  "tests[1].inputs.Z.forced[0].row is required"},
        BadForced{"unknown_key", "forced = [{ row = 0, value = 1.0, at = 3 }]",
                  "forced[0].at is not a known key"},
        BadForced{"negative", "forced = [{ row = -1, value = 1.0 }]", ">= 0"},
        BadForced{"row_outside", "forced = [{ row = 4, col = 0, value = 1.0 }]",
                  "tests[1].inputs.Z.forced[0] is outside the 4x5 input"},
        BadForced{"col_outside", "forced = [{ row = 0, col = 5, value = 1.0 }]",
                  "is outside the 4x5 input"},
        BadForced{"repeated", "forced = [{ row = 1, value = 1.0 }, { row = 1, value = 2.0 }]",
                  "forced[1] repeats a position"},
        BadForced{"not_finite", "forced = [{ row = 0, value = inf }]", "value must be finite"}),
    [](const ::testing::TestParamInfo<BadForced>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(ForcedInputsTest, LabelsMustBeClasses) {
  std::string text = kForcedSpec;
  const std::string from = "y = { forced = [{ row = 2, value = 4 }] }";
  text.replace(text.find(from), from.size(), "y = { forced = [{ row = 2, value = 5 }] }");
  auto spec = grader::ParseProblem(text, "p/problem.toml");
  ASSERT_FALSE(spec.ok());
  EXPECT_NE(
      spec.status().message().find("tests[1].inputs.y.forced[0].value must be a label in [0, 5)"),
      std::string::npos)
      << spec.status().message();
}

// --- adequacy for every deployment secret ------------------------------------------------------

// bce_with_logits without its visible extreme test and without forced logits: naive_log_sigmoid
// (log of a rounded σ) is told apart only by hidden_extreme, whose logits come from the secret.
// That is not enough: some secret may give that test no extreme logit.
TEST(AdequacyTest, HiddenTestWithoutForcedInputsDoesNotCountForEverySecret) {
  auto spec = grader::LoadProblem(kProblems / "bce_with_logits");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const reference::ProblemCode* code = reference::FindProblemCode("bce_with_logits");
  ASSERT_NE(code, nullptr);
  std::erase_if(spec->tests, [](const grader::TestSpec& t) { return t.name == "extreme_logits"; });
  for (grader::TestSpec& t : spec->tests) {
    for (grader::InputSpec& i : t.inputs) i.forced.clear();
  }
  auto mentions = [](const std::vector<std::string>& failures, const std::string& what) {
    return std::any_of(failures.begin(), failures.end(),
                       [&](const std::string& f) { return f.find(what) != std::string::npos; });
  };
  const std::vector<std::string> failures = grader::CheckAdequacy(*spec, *code, "a secret");
  EXPECT_TRUE(mentions(failures,
                       "mutant 'naive_log_sigmoid' is separated from the reference only "
                       "by hidden tests whose data change with the deployment secret "
                       "(hidden_extreme)"))
      << ::testing::PrintToString(failures);

  // Forcing the extreme logits into the same hidden test makes it count.
  for (grader::TestSpec& t : spec->tests) {
    if (t.name != "hidden_extreme") continue;
    for (grader::InputSpec& i : t.inputs) {
      if (i.name == "Z") i.forced = {{0, 0, 800.0}, {1, 1, -800.0}};
    }
  }
  const std::vector<std::string> with_forced = grader::CheckAdequacy(*spec, *code, "a secret");
  EXPECT_FALSE(mentions(with_forced, "'naive_log_sigmoid' is separated"))
      << ::testing::PrintToString(with_forced);
  EXPECT_FALSE(mentions(with_forced, "'gradient_unstable_sigmoid' is separated"))
      << ::testing::PrintToString(with_forced);
}

// --- the rules for a problem's own files (grader/validate.h) -----------------------------------

grader::GradeResult Graded(double score, std::vector<std::pair<bool, std::string>> tests) {
  grader::GradeResult r;
  r.status = grader::SubmissionStatus::kGraded;
  r.score = score;
  r.max_score = static_cast<double>(tests.size());
  for (const auto& [passed, misconception] : tests) {
    grader::TestResult t;
    t.name = "t" + std::to_string(r.tests.size());
    t.verdict = passed ? grader::Verdict::kPassed : grader::Verdict::kWrongAnswer;
    t.max_score = 1;
    t.score = passed ? 1 : 0;
    t.message = passed ? "ok" : "differs";
    if (!misconception.empty()) {
      grader::Diagnosis d;
      d.kind = grader::Diagnosis::Kind::kMisconception;
      d.misconception = misconception;
      t.diagnosis = d;
    }
    r.tests.push_back(t);
  }
  return r;
}

TEST(FileRulesTest, SolutionStarterAndMistake) {
  EXPECT_TRUE(
      grader::SolutionFailures("solution.cpp", Graded(2, {{true, ""}, {true, ""}})).empty());
  EXPECT_EQ(grader::SolutionFailures("solution.cpp", Graded(1, {{true, ""}, {false, ""}})),
            std::vector<std::string>{"solution.cpp scores 1 / 2; t1: differs"});
  EXPECT_EQ(grader::StarterFailures(Graded(2, {{true, ""}, {true, ""}})),
            std::vector<std::string>{"starter.cpp passes every test; it must not"});
  EXPECT_TRUE(grader::MistakeFailures("m.cpp", "a", Graded(1, {{true, ""}, {false, "a"}})).empty());
  EXPECT_EQ(
      grader::MistakeFailures("m.cpp", "a", Graded(0, {{false, "b"}, {false, ""}})),
      (std::vector<std::string>{"m.cpp is not diagnosed as 'a'", "m.cpp is also diagnosed as b"}));
  EXPECT_EQ(grader::MistakeFailures("m.cpp", "a", Graded(2, {{true, ""}, {true, ""}})),
            std::vector<std::string>{"m.cpp passes every test; it must fail"});
}

// A training problem's mistake only has to land in a lower tier somewhere (its name is free).
TEST(FileRulesTest, TierScoredMistakeLandsInALowerTier) {
  EXPECT_TRUE(grader::TierMistakeFailures("m.cpp", Graded(1, {{true, ""}, {false, ""}})).empty());
  grader::GradeResult partial = Graded(2, {{true, ""}, {true, ""}});
  partial.tests[1].verdict = grader::Verdict::kPartial;
  partial.tests[1].score = 0.75;
  EXPECT_TRUE(grader::TierMistakeFailures("m.cpp", partial).empty());
  const std::vector<std::string> top =
      grader::TierMistakeFailures("m.cpp", Graded(2, {{true, ""}, {true, ""}}));
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0].rfind("m.cpp reaches the top tier on every test; it must land lower", 0), 0u)
      << top[0];
}

}  // namespace
