// Unit tests of the learning side: BKT, the generic detectors, skill evidence, the skills
// catalogue, recommendations, prerequisites, mutation adequacy and the store's mastery rows.
#include <gtest/gtest.h>

#include <cmath>

#include "db/bkt.h"
#include "db/store.h"
#include "grader/diagnose.h"
#include "grader/gradient_check.h"
#include "grader/recommend.h"
#include "grader/skills.h"
#include "grader/validate.h"
#include "reference/registry.h"

namespace grader {
namespace {

using reference::Tensor;
using reference::TensorKind;

// --- BKT against hand-computed values ------------------------------------------------------

TEST(BktTest, CorrectAndIncorrectUpdatesMatchHandComputation) {
  const db::BktParams p{0.2, 0.15, 0.2, 0.1};
  // correct: 0.2·0.9 / (0.2·0.9 + 0.8·0.2) = 0.18 / 0.34; then + (1 − ·)·0.15
  const double posterior = 0.18 / 0.34;
  EXPECT_NEAR(db::BktPosterior(0.2, true, p), posterior, 1e-12);
  EXPECT_NEAR(db::BktUpdate(0.2, true, p), posterior + (1 - posterior) * 0.15, 1e-12);
  EXPECT_NEAR(db::BktUpdate(0.2, true, p), 0.6, 1e-12);
  // incorrect: 0.2·0.1 / (0.2·0.1 + 0.8·0.8) = 0.02 / 0.66
  const double wrong = 0.02 / 0.66;
  EXPECT_NEAR(db::BktUpdate(0.2, false, p), wrong + (1 - wrong) * 0.15, 1e-12);
  // OATutor defaults (OATutor's published BKT parameters): 0.55, 0.925, 0.992 after 1..3 correct
  // answers.
  const db::BktParams oatutor{0.1, 0.1, 0.1, 0.1};
  double pl = 0.1;
  const double expected[] = {0.55, 0.925, 0.992};
  for (double e : expected) {
    pl = db::BktUpdate(pl, true, oatutor);
    EXPECT_NEAR(pl, e, 5e-4);
  }
}

// --- detectors on constructed cases --------------------------------------------------------

Tensor Matrix(int64_t rows, int64_t cols, std::vector<double> values) {
  return Tensor{TensorKind::kMatrix, rows, cols, std::move(values)};
}

TestSpec MakeTest(std::map<std::string, int64_t> dims) {
  TestSpec t;
  t.name = "t";
  t.entry = "f";
  t.dims = std::move(dims);
  return t;
}

std::optional<Diagnosis> Detect(const TestSpec& test, const Tensor& got, const Tensor& want,
                                reference::Tensors inputs = {}) {
  EntrySpec entry;
  entry.name = "f";
  entry.outputs = {"Y"};
  TestEvidence e;
  e.has_reference = true;
  e.inputs = std::move(inputs);
  e.expected = {{"Y", want}};
  e.outputs = reference::Tensors{{"Y", got}};
  return DetectPattern(test, entry, e, true);
}

const Tensor kWant = Matrix(2, 3, {1.5, -2, 3, 0.25, 5, -6});

Tensor Scaled(const Tensor& t, double alpha) {
  Tensor out = t;
  for (double& x : out.values) x *= alpha;
  return out;
}

TEST(DetectorTest, SignFlipped) {
  auto d = Detect(MakeTest({{"N", 2}, {"M", 3}}), Scaled(kWant, -1), kWant);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->pattern, "scale_factor");
  EXPECT_NE(d->detail.find("sign is flipped"), std::string::npos) << d->detail;
}

TEST(DetectorTest, DividedByBatchSize) {
  auto d = Detect(MakeTest({{"N", 16}, {"M", 3}}), Scaled(kWant, 1.0 / 16), kWant);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->pattern, "scale_factor");
  EXPECT_NE(d->detail.find("divided by N (N = 16)"), std::string::npos) << d->detail;
}

TEST(DetectorTest, TimesBatchSizeAndHalf) {
  auto n = Detect(MakeTest({{"N", 7}}), Scaled(kWant, 7), kWant);
  ASSERT_TRUE(n);
  EXPECT_NE(n->detail.find("N × the expected values (N = 7)"), std::string::npos) << n->detail;
  auto half = Detect(MakeTest({{"N", 7}}), Scaled(kWant, 0.5), kWant);
  ASSERT_TRUE(half);
  EXPECT_NE(half->detail.find("½"), std::string::npos) << half->detail;
}

TEST(DetectorTest, NoPatternForUnstructuredError) {
  Tensor got = kWant;
  got.values[1] += 1;
  got.values[4] -= 3;
  EXPECT_FALSE(Detect(MakeTest({{"N", 2}}), got, kWant));
}

TEST(DetectorTest, Transposed) {
  const Tensor got = Matrix(3, 2, {1.5, 0.25, -2, 5, 3, -6});
  auto d = Detect(MakeTest({}), got, kWant);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->pattern, "transposed");
  EXPECT_NE(d->detail.find("3×2 but must be 2×3"), std::string::npos) << d->detail;
}

TEST(DetectorTest, ReductionOverWrongAxis) {
  // dY is 3×2: the reference sums over rows (length 2), the learner over columns (length 3).
  const Tensor dy = Matrix(3, 2, {1, 2, 3, 4, 5, 7});
  const Tensor want{TensorKind::kVector, 2, 1, {9, 13}};
  const Tensor got{TensorKind::kVector, 3, 1, {3, 7, 12}};
  auto d = Detect(MakeTest({}), got, want, {{"dY", dy}});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->pattern, "reduction_axis");
  EXPECT_NE(d->detail.find("'dY' summed over its columns"), std::string::npos) << d->detail;
  EXPECT_NE(d->detail.find("must be 'dY' summed over its rows"), std::string::npos) << d->detail;
}

TEST(DetectorTest, WrongOnlyAtZeros) {
  const Tensor z = Matrix(2, 3, {0, 1, -1, 2, 0, -3});
  const Tensor want = Matrix(2, 3, {0, 1, 0, 1, 0, 0});
  const Tensor got = Matrix(2, 3, {1, 1, 0, 1, 1, 0});
  auto d = Detect(MakeTest({}), got, want, {{"Z", z}});
  ASSERT_TRUE(d);
  EXPECT_EQ(d->pattern, "wrong_at_zeros");
  EXPECT_NE(d->detail.find("where 'Z' is exactly 0 (2 entries)"), std::string::npos) << d->detail;
}

TEST(DetectorTest, NonFiniteAndAllZeros) {
  Tensor nan = kWant;
  nan.values[2] = NAN;
  auto d = Detect(MakeTest({}), nan, kWant);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->pattern, "non_finite");
  auto z = Detect(MakeTest({}), Scaled(kWant, 0), kWant);
  ASSERT_TRUE(z);
  EXPECT_EQ(z->pattern, "all_zeros");
}

TEST(DetectorTest, HiddenTestsGetNoCounts) {
  const Tensor z = Matrix(2, 3, {0, 1, -1, 2, 0, -3});
  EntrySpec entry;
  entry.outputs = {"Y"};
  TestEvidence e;
  e.has_reference = true;
  e.inputs = {{"Z", z}};
  e.expected = {{"Y", Matrix(2, 3, {0, 1, 0, 1, 0, 0})}};
  e.outputs = reference::Tensors{{"Y", Matrix(2, 3, {1, 1, 0, 1, 1, 0})}};
  auto d = DetectPattern(MakeTest({}), entry, e, false);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->pattern, "wrong_at_zeros");
  EXPECT_EQ(d->detail.find("entries"), std::string::npos) << d->detail;  // no count of zeros
}

// An ε in the wrong place makes L ≈ 1.00002·R: that is no "constant factor" to name.
TEST(DetectorTest, FactorNearOneIsNotNamed) {
  for (double alpha : {1.00002, 0.999, 1.04}) {
    auto d = Detect(MakeTest({{"N", 2}, {"M", 3}}), Scaled(kWant, alpha), kWant);
    EXPECT_FALSE(d && d->pattern == "scale_factor") << alpha << ": " << d->detail;
  }
  auto far = Detect(MakeTest({{"N", 2}, {"M", 3}}), Scaled(kWant, 1.3), kWant);
  ASSERT_TRUE(far);
  EXPECT_NE(far->detail.find("1.3 × the expected values"), std::string::npos) << far->detail;
}

// Every wrong scalar is some α times the right one (L2 with ‖W‖ instead of ‖W‖², BCE without
// |z|): a 1×1 output never gets a factor, not even a "nice" one.
TEST(DetectorTest, ScalarOutputsGetNoFactor) {
  const Tensor want{TensorKind::kScalar, 1, 1, {2.5}};
  for (double got : {1.7, -2.5, 5.0}) {
    auto d = Detect(MakeTest({{"N", 2}}), Tensor{TensorKind::kScalar, 1, 1, {got}}, want);
    EXPECT_FALSE(d && d->pattern == "scale_factor") << got << ": " << d->detail;
  }
}

TEST(DetectorTest, IndexOutOfRangeIsNotADimensionMismatch) {
  // Eigen's bounds checks, as the harness reports them (#x of eigen_assert).
  EXPECT_TRUE(IsIndexAssertion("row >= 0 && row < rows() && col >= 0 && col < cols()"));
  EXPECT_TRUE(IsIndexAssertion("index >= 0 && index < size()"));
  EXPECT_TRUE(IsIndexAssertion(
      "(i>=0) && ( ((BlockRows==1) && (BlockCols==XprType::ColsAtCompileTime) && i<xpr.rows()) "
      "||((BlockRows==XprType::RowsAtCompileTime) && (BlockCols==1) && i<xpr.cols()))"));
  // Its shape checks.
  EXPECT_FALSE(IsIndexAssertion(
      "lhs.cols() == rhs.rows() && \"invalid matrix product\" && \"if you wanted a coeff-wise or a "
      "dot product use the respective explicit functions\""));
  EXPECT_FALSE(IsIndexAssertion("aLhs.rows() == aRhs.rows() && aLhs.cols() == aRhs.cols()"));

  EntrySpec entry;
  entry.outputs = {"Y"};
  TestEvidence e;
  e.has_reference = true;
  e.index_out_of_range = true;
  auto d = DetectPattern(MakeTest({}), entry, e, false);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->pattern, "index_out_of_range");
  EXPECT_NE(d->detail.find("0-based"), std::string::npos) << d->detail;
}

// --- mutant matching across the tests of an entry -----------------------------------------

TEST(DiagnoseTest, EntryWideMutantNamesTestsThatAloneAreAmbiguous) {
  // linear_forward: on a test with N ≠ M and D ≠ M both bias_broadcast_wrong_axis and
  // weights_transposed fail a dimension check; the N = M test separates them.
  // linear_forward is a pack: loading the problem registers its code.
  auto loaded = LoadProblem(std::filesystem::path(GRADER_SOURCE_DIR) / "problems/linear_forward");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const reference::ProblemCode* code = reference::FindProblemCode("linear_forward");
  ASSERT_NE(code, nullptr);
  ProblemSpec problem;
  problem.id = "linear_forward";
  EntrySpec entry;
  entry.name = "linear_forward";
  entry.outputs = {"Y"};
  problem.entries.push_back(entry);
  auto make = [&](const std::string& name, int64_t n, int64_t d, int64_t m) {
    TestSpec t = MakeTest({{"N", n}, {"D", d}, {"M", m}});
    t.name = name;
    t.entry = "linear_forward";
    return t;
  };
  problem.tests = {make("rect", 4, 5, 3), make("square_batch", 6, 4, 6)};
  auto input = [](int64_t r, int64_t c, double base) {
    Tensor t{r == 1 || c == 1 ? TensorKind::kVector : TensorKind::kMatrix, r, c, {}};
    for (int64_t i = 0; i < r * c; ++i)
      t.values.push_back(base + 0.37 * static_cast<double>(i % 7) - 0.11 * static_cast<double>(i));
    return t;
  };
  std::vector<TestEvidence> evidence(2);
  GradeResult result;
  for (size_t i = 0; i < 2; ++i) {
    const TestSpec& t = problem.tests[i];
    evidence[i].has_reference = true;
    evidence[i].inputs = {{"X", input(t.dims.at("N"), t.dims.at("D"), 1)},
                          {"W", input(t.dims.at("D"), t.dims.at("M"), -1)},
                          {"b", input(t.dims.at("M"), 1, 2)}};
    evidence[i].expected =
        *reference::Evaluate(code->reference, "linear_forward", evidence[i].inputs);
    TestResult r;
    r.name = t.name;
    r.verdict = i == 0 ? Verdict::kRuntimeError : Verdict::kWrongAnswer;
    result.tests.push_back(r);
  }
  evidence[0].dimension_mismatch = true;
  const reference::Mutant* mutant =
      reference::FindMutant("linear_forward", "bias_broadcast_wrong_axis");
  auto outcome = reference::EvaluateMutant(*mutant, evidence[1].inputs);
  ASSERT_TRUE(outcome.ok());
  evidence[1].outputs = outcome->outputs;
  auto first = MatchingMutants(*code, problem.tests[0], evidence[0]);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->size(), 2u);  // alone, the rectangular test cannot tell them apart
  ASSERT_TRUE(DiagnoseSubmission(problem, *code, evidence, &result).ok());
  for (const TestResult& t : result.tests) {
    ASSERT_TRUE(t.diagnosis) << t.name;
    EXPECT_EQ(t.diagnosis->misconception, "bias_broadcast_wrong_axis") << t.name;
  }
}

// --- the numerical gradient check's verdicts -----------------------------------------------

TEST(GradientCheckTest, SeparatesWrongBackwardFromWrongForward) {
  EntrySpec backward;
  backward.name = "relu_backward";
  backward.gradient_of = GradientOf{"relu_forward", {{"A", "dA"}}, {{"dZ", "Z"}}};
  // Consistent with a right forward: the check has nothing to add.
  EXPECT_FALSE(GradientDiagnosis({1.0, 1.0 + 1e-7, true}, backward));
  auto forward_wrong = GradientDiagnosis({2.5, 2.5, false}, backward);
  ASSERT_TRUE(forward_wrong);
  EXPECT_EQ(forward_wrong->pattern, "forward_wrong");
  auto inconsistent = GradientDiagnosis({1.0, 1.2, true}, backward);
  ASSERT_TRUE(inconsistent);
  EXPECT_EQ(inconsistent->pattern, "gradient_inconsistent");
  EXPECT_NE(inconsistent->detail.find("which is right"), std::string::npos);
  EXPECT_NE(
      GradientDiagnosis({1.0, -1.0, false}, backward)->detail.find("relu_forward is wrong too"),
      std::string::npos);
}

TEST(GradientCheckTest, SpecRejectsUnknownNames) {
  const std::string base = R"toml(
id = "p"
title = "t"
version = 1
skills = ["s"]
[functions.f]
returns = "matrix"
params = [{ name = "X", type = "matrix" }]
[functions.g]
returns = "matrix"
params = [{ name = "X", type = "matrix" }, { name = "dY", type = "matrix" }]
[entries.f]
pattern = "call"
function = "f"
outputs = ["Y"]
[entries.f.inputs]
X = { shape = ["N", "D"] }
[entries.g]
pattern = "call"
function = "g"
outputs = ["dX"]
GRADIENT
[entries.g.inputs]
X = { shape = ["N", "D"] }
dY = { shape = ["N", "D"] }
[[tests]]
name = "v"
entry = "g"
visibility = "visible"
seed = 1
dims = { N = 3, D = 4 }
)toml";
  auto with = [&](const std::string& gradient) {
    std::string text = base;
    text.replace(text.find("GRADIENT"), 8, gradient);
    return ParseProblem(text, "problem.toml");
  };
  auto good =
      with(R"(gradient_of = { forward = "f", upstream = { Y = "dY" }, inputs = { dX = "X" } })");
  ASSERT_TRUE(good.ok()) << good.status().message();
  ASSERT_TRUE(good->entries[1].gradient_of);
  EXPECT_EQ(good->entries[1].gradient_of->inputs.at("dX"), "X");
  auto bad =
      with(R"(gradient_of = { forward = "f", upstream = { Y = "dZ" }, inputs = { dX = "X" } })");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("entries.g.gradient_of.upstream"), std::string::npos)
      << bad.status().message();
}

// Every backward entry whose forward (or training-mode) entry is in the same problem is checked
// numerically against the learner's own forward: sigmoid, tanh, gelu, layernorm, batchnorm,
// dropout, relu, embedding, attention, maxpool2d, mlp2, rope, conv2d and multihead_attention.
TEST(GradientCheckTest, EveryBackwardWithAForwardDeclaresGradientOf) {
  auto problems = LoadAllProblems(std::filesystem::path(GRADER_SOURCE_DIR) / "problems");
  ASSERT_TRUE(problems.ok()) << problems.status().message();
  int checked = 0;
  for (const ProblemSpec& p : *problems) {
    for (const EntrySpec& e : p.entries) {
      if (!e.name.ends_with("_backward")) continue;
      const std::string stem = e.name.substr(0, e.name.size() - 9);
      const EntrySpec* forward = p.FindEntry(stem + "_forward");
      if (forward == nullptr) forward = p.FindEntry(stem + "_train");
      if (forward == nullptr) continue;
      ASSERT_TRUE(e.gradient_of) << p.id << ": " << e.name << " has no gradient_of";
      EXPECT_EQ(e.gradient_of->forward, forward->name) << p.id;
      // Every output of the backward entry is the gradient of some forward input.
      for (const std::string& out : e.outputs) EXPECT_TRUE(e.gradient_of->inputs.count(out)) << out;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 14);
}

// --- skills catalogue and evidence ---------------------------------------------------------

TEST(SkillsTest, ParsesDefaultsAndOverrides) {
  auto c = ParseSkills(R"toml(
[defaults]
prior = 0.3
min_observations = 2
[skills.a]
description = "A"
slip = 0.05
[skills.b]
description = "B"
)toml",
                       "skills.toml");
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_DOUBLE_EQ(c->Params("a").prior, 0.3);
  EXPECT_DOUBLE_EQ(c->Params("a").slip, 0.05);
  EXPECT_DOUBLE_EQ(c->Params("b").slip, 0.1);
  EXPECT_EQ(c->min_observations, 2);
  EXPECT_TRUE(c->Mastered(0.96, 2));
  EXPECT_FALSE(c->Mastered(0.96, 1));
  EXPECT_FALSE(c->Mastered(0.94, 5));
}

TEST(SkillsTest, ErrorsNameTheKey) {
  auto bad = ParseSkills("[skills.a]\ndescription = \"A\"\nguess = 0.7\n", "skills.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("skills.toml: skills.a.guess must be in"),
            std::string::npos)
      << bad.status().message();
  auto missing = ParseSkills("[skills.a]\nslip = 0.1\n", "skills.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("skills.a.description is required"), std::string::npos);
}

TEST(SkillsTest, RepositoryCatalogueDeclaresEveryTagAndProblemsValidateStatically) {
  auto catalog = LoadSkills(std::filesystem::path(GRADER_SOURCE_DIR) / "problems");
  ASSERT_TRUE(catalog.ok()) << catalog.status().message();
  auto problems = LoadAllProblems(std::filesystem::path(GRADER_SOURCE_DIR) / "problems");
  ASSERT_TRUE(problems.ok());
  for (const ProblemSpec& p : *problems) {
    const reference::ProblemCode* code = reference::FindProblemCode(p.id);
    ASSERT_NE(code, nullptr) << p.id;
    EXPECT_EQ(CheckSkills(p, *code, *catalog), std::vector<std::string>()) << p.id;
    EXPECT_EQ(CheckAdequacy(p, *code, "any secret"), std::vector<std::string>()) << p.id;
  }
  EXPECT_TRUE(CheckPrerequisites(*problems).empty());
}

TEST(SkillsTest, EvidenceFromTestsAndMisconceptions) {
  ProblemSpec problem;
  TestSpec a, b, c;
  a.name = "a";
  a.skills = {"shapes", "chain"};
  b.name = "b";
  b.skills = {"shapes", "axis"};
  c.name = "c";
  c.skills = {"other"};
  problem.tests = {a, b, c};
  GradeResult result;
  result.status = SubmissionStatus::kGraded;
  result.tests.resize(3);
  result.tests[0].verdict = Verdict::kPassed;
  result.tests[1].verdict = Verdict::kWrongAnswer;
  Diagnosis d;
  d.kind = Diagnosis::Kind::kMisconception;
  d.misconception = "db_wrong_axis";
  d.skills = {"axis"};
  result.tests[1].diagnosis = d;
  result.tests[2].verdict = Verdict::kWrongAnswer;  // undiagnosed: all its skills are suspect
  SkillCatalog catalog;
  auto evidence = SkillEvidence(problem, result, catalog);
  ASSERT_EQ(evidence.size(), 4u);
  std::map<std::string, std::pair<bool, std::string>> by_skill;
  for (const auto& o : evidence) by_skill[o.skill] = {o.correct, o.source};
  EXPECT_EQ(by_skill["axis"], std::make_pair(false, std::string("db_wrong_axis")));
  EXPECT_EQ(by_skill["chain"], std::make_pair(true, std::string("a")));
  EXPECT_EQ(by_skill["shapes"], std::make_pair(true, std::string("a")));
  EXPECT_EQ(by_skill["other"], std::make_pair(false, std::string("c")));
  result.status = SubmissionStatus::kCompileError;
  EXPECT_TRUE(SkillEvidence(problem, result, catalog).empty());
}

// --- prerequisites --------------------------------------------------------------------------

ProblemSpec Problem(const std::string& id, std::vector<std::string> prerequisites,
                    std::vector<std::string> skills = {}) {
  ProblemSpec p;
  p.id = id;
  p.title = id;
  p.prerequisites = std::move(prerequisites);
  p.skills = std::move(skills);
  return p;
}

TEST(PrerequisitesTest, RejectsCyclesAndUnknownIds) {
  auto failures = CheckPrerequisites(
      {Problem("a", {}), Problem("b", {"a", "d"}), Problem("c", {"e"}), Problem("e", {"c"})});
  ASSERT_EQ(failures["b"].size(), 1u);
  EXPECT_EQ(failures["b"][0], "prerequisite 'd' is not a known problem");
  ASSERT_EQ(failures["c"].size(), 1u);
  EXPECT_NE(failures["c"][0].find("cycle: c -> e -> c"), std::string::npos) << failures["c"][0];
  EXPECT_EQ(failures["e"].size(), 1u);
  EXPECT_EQ(failures.count("a"), 0u);
}

// --- recommendations -----------------------------------------------------------------------

db::SubmissionRecord Submission(int64_t id, const std::string& problem, double score) {
  db::SubmissionRecord s;
  s.id = id;
  s.problem_id = problem;
  s.status = "graded";
  s.score = score;
  s.max_score = 6;
  return s;
}

// start -> {middle_axis, middle_shapes} -> end
std::vector<ProblemSpec> Curriculum() {
  return {Problem("start", {}, {"shapes"}), Problem("middle_axis", {"start"}, {"axis"}),
          Problem("middle_shapes", {"start"}, {"shapes", "chain"}),
          Problem("end", {"middle_axis", "middle_shapes"}, {"chain"})};
}

TEST(RecommendTest, NewLearnerGetsEntryPoints) {
  auto recs = Recommend(Curriculum(), SkillCatalog(), LearnerHistory(), 5);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].problem_id, "start");
  EXPECT_EQ(recs[0].kind, "start");
  EXPECT_NE(recs[0].reason.find("starting point"), std::string::npos);
}

TEST(RecommendTest, StuckOnOneSkillGetsRetryThenWeakestSkill) {
  LearnerHistory h;
  // Most recent first: two failed attempts at middle_axis, start solved.
  h.submissions = {Submission(3, "middle_axis", 2), Submission(2, "middle_axis", 2),
                   Submission(1, "start", 6)};
  h.mastery = {{"axis", 0.12, 2, 0, 3, ""}, {"shapes", 0.6, 1, 1, 1, ""}};
  h.misconceptions = {{3, "middle_axis", "t", "axis_bug", {"axis"}, ""},
                      {2, "middle_axis", "t", "axis_bug", {"axis"}, ""}};
  auto recs = Recommend(Curriculum(), SkillCatalog(), h, 5);
  ASSERT_EQ(recs.size(), 2u);  // "end" stays locked, "start" is solved
  EXPECT_EQ(recs[0].problem_id, "middle_axis");
  EXPECT_EQ(recs[0].kind, "retry");
  EXPECT_EQ(recs[0].skill, "axis");
  EXPECT_NE(recs[0].reason.find("in submission 3 you made the mistake 'axis_bug'"),
            std::string::npos)
      << recs[0].reason;
  EXPECT_NE(recs[0].reason.find("your mastery of axis is 0.12"), std::string::npos)
      << recs[0].reason;
  EXPECT_EQ(recs[1].problem_id, "middle_shapes");
  // Deterministic: the same history gives the same list.
  auto again = Recommend(Curriculum(), SkillCatalog(), h, 5);
  ASSERT_EQ(again.size(), recs.size());
  for (size_t i = 0; i < recs.size(); ++i) EXPECT_EQ(again[i].reason, recs[i].reason);
}

TEST(RecommendTest, WeakestSkillReasonCountsMisconceptions) {
  LearnerHistory h;
  h.submissions = {Submission(9, "start", 6),       Submission(8, "x", 1),
                   Submission(7, "x", 1),           Submission(6, "x", 1),
                   Submission(5, "x", 1),           Submission(4, "x", 1),
                   Submission(3, "middle_axis", 1), Submission(2, "middle_axis", 1)};
  h.mastery = {
      {"axis", 0.31, 2, 0, 3, ""}, {"shapes", 0.7, 3, 2, 9, ""}, {"chain", 0.5, 1, 1, 9, ""}};
  h.misconceptions = {{3, "middle_axis", "t", "m", {"axis"}, ""},
                      {2, "middle_axis", "t2", "m", {"axis"}, ""}};
  auto recs = Recommend(Curriculum(), SkillCatalog(), h, 5);
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].problem_id, "middle_axis");  // not recent any more: a practice, weakest first
  EXPECT_EQ(recs[0].kind, "practice");
  EXPECT_EQ(recs[0].reason, "your mastery of axis is 0.31: twice you made the mistake 'm'");
  EXPECT_EQ(recs[1].problem_id, "middle_shapes");
}

TEST(RecommendTest, MasteredEverythingUnlockedMovesOn) {
  LearnerHistory h;
  h.submissions = {Submission(3, "middle_shapes", 6), Submission(2, "middle_axis", 6),
                   Submission(1, "start", 6)};
  h.mastery = {
      {"axis", 0.99, 5, 5, 2, ""}, {"shapes", 0.99, 5, 5, 3, ""}, {"chain", 0.97, 4, 4, 3, ""}};
  auto recs = Recommend(Curriculum(), SkillCatalog(), h, 5);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].problem_id, "end");
  EXPECT_EQ(recs[0].skill, "");
  h.submissions.insert(h.submissions.begin(), Submission(4, "end", 6));
  EXPECT_TRUE(Recommend(Curriculum(), SkillCatalog(), h, 5).empty());
}

TEST(RecommendTest, QuotesTheMutantExplanation) {
  // linear_backward is a pack: loading the problem registers its code.
  auto loaded = LoadProblem(std::filesystem::path(GRADER_SOURCE_DIR) / "problems/linear_backward");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(MisconceptionPhrase("linear_backward", "db_summed_over_features"),
            "summed db over the wrong axis (one value per sample instead of per output)");
}

// --- the store: evidence and mastery in the submission's transaction ------------------------

TEST(MasteryStoreTest, RecordsEvidenceMasteryAndDiagnoses) {
  auto store = db::Store::Open(":memory:");
  ASSERT_TRUE(store.ok());
  const db::BktParams p{0.2, 0.15, 0.2, 0.1};
  auto record = [&](bool correct) {
    db::SubmissionRecord s;
    s.learner = "ada";
    s.problem_id = "relu";
    s.problem_version = 1;
    s.source_hash = "h";
    s.status = "graded";
    db::TestResultRecord t;
    t.name = "t";
    t.entry = "e";
    t.visibility = "hidden";
    t.verdict = correct ? "passed" : "wrong_answer";
    if (!correct)
      t.diagnosis = db::DiagnosisRecord{"mask_from_upstream", "", {"chain-rule", "x"}, "You ..."};
    s.tests.push_back(t);
    s.observations = {{"chain-rule", correct, "src", p}, {"chain-rule", true, "dup", p}};
    return (*store)->RecordSubmission(s);
  };
  auto first = record(false);
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_TRUE(record(true).ok());
  auto mastery = (*store)->GetMastery("ada");
  ASSERT_TRUE(mastery.ok());
  ASSERT_EQ(mastery->size(), 1u);
  EXPECT_NEAR((*mastery)[0].p_mastery, db::BktUpdate(db::BktUpdate(0.2, false, p), true, p), 1e-12);
  EXPECT_EQ((*mastery)[0].observations, 2);  // the duplicate observation was ignored
  EXPECT_EQ((*mastery)[0].correct, 1);
  auto mis = (*store)->ListMisconceptions("ada", 10);
  ASSERT_TRUE(mis.ok());
  ASSERT_EQ(mis->size(), 1u);
  EXPECT_EQ((*mis)[0].misconception, "mask_from_upstream");
  EXPECT_EQ((*mis)[0].skills, (std::vector<std::string>{"chain-rule", "x"}));
  auto read = (*store)->GetSubmission(*first);
  ASSERT_TRUE(read.ok());
  ASSERT_TRUE(read->tests[0].diagnosis);
  EXPECT_EQ(read->tests[0].diagnosis->misconception, "mask_from_upstream");
}

TEST(MasteryStoreTest, FailedWriteLeavesNothing) {
  auto store = db::Store::Open(":memory:");
  ASSERT_TRUE(store.ok());
  db::SubmissionRecord s;
  s.learner = "ada";
  s.problem_id = "relu";
  s.status = "graded";
  // The first observation updates mastery; the second breaks a CHECK constraint (empty skill),
  // so the whole transaction, submission and first update included, must roll back.
  s.observations = {{"chain-rule", true, "src", db::BktParams()},
                    {"", true, "src", db::BktParams()}};
  EXPECT_FALSE((*store)->RecordSubmission(s).ok());
  auto mastery = (*store)->GetMastery("ada");
  ASSERT_TRUE(mastery.ok());
  EXPECT_TRUE(mastery->empty());
  auto list = (*store)->ListSubmissions("ada", 10);
  ASSERT_TRUE(list.ok());
  EXPECT_TRUE(list->empty());
}

}  // namespace
}  // namespace grader
