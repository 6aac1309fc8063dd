// Tier scoring of training runs (grader/scoring.h) and its problem.toml tables
// (docs/problem-format.md, "Training problems: tier scoring").
#include "grader/scoring.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "grader/problem_spec.h"

namespace grader {
namespace {

using reference::Tensor;
using reference::TensorKind;

const std::vector<Tier> kAccuracyTiers = {{0.6, 0.25}, {0.8, 0.5}, {0.9, 0.75}, {0.95, 1.0}};
const std::vector<Tier> kBitsTiers = {{4.0, 0.25}, {3.3, 0.5}, {2.8, 0.75}, {2.5, 1.0}};

ScoringSpec Accuracy() {
  ScoringSpec s;
  s.metric = Metric::kAccuracy;
  s.output = "predicted";
  s.target = "y_test";
  s.data = "spirals";
  s.tiers = kAccuracyTiers;
  return s;
}

ScoringSpec Bits() {
  ScoringSpec s = Accuracy();
  s.metric = Metric::kBitsPerChar;
  s.output = "probs";
  s.target = "next";
  s.tiers = kBitsTiers;
  return s;
}

Tensor Labels(std::vector<double> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return {TensorKind::kLabels, n, 1, std::move(v)};
}

// n labels cycling through 3 classes; `wrong` of the predictions moved to the next class.
std::pair<Tensor, Tensor> Predictions(int n, int wrong) {
  std::vector<double> target, got;
  for (int i = 0; i < n; ++i) {
    target.push_back(i % 3);
    got.push_back(i < wrong ? (i + 1) % 3 : i % 3);
  }
  Tensor predicted{TensorKind::kVector, n, 1, got};
  return {predicted, Labels(target)};
}

TEST(TierTest, TierOfFollowsTheMetricsDirection) {
  EXPECT_FALSE(TierOf(Metric::kAccuracy, kAccuracyTiers, 0.59).has_value());
  EXPECT_EQ(TierOf(Metric::kAccuracy, kAccuracyTiers, 0.6), 0u);  // a threshold is reached at it
  EXPECT_EQ(TierOf(Metric::kAccuracy, kAccuracyTiers, 0.94), 2u);
  EXPECT_EQ(TierOf(Metric::kAccuracy, kAccuracyTiers, 1.0), 3u);
  EXPECT_FALSE(TierOf(Metric::kBitsPerChar, kBitsTiers, 4.01).has_value());
  EXPECT_EQ(TierOf(Metric::kBitsPerChar, kBitsTiers, 3.3), 1u);
  EXPECT_EQ(TierOf(Metric::kBitsPerChar, kBitsTiers, 1.0), 3u);
  EXPECT_FALSE(TierOf(Metric::kBitsPerChar, kBitsTiers, std::numeric_limits<double>::infinity())
                   .has_value());
  EXPECT_FALSE(TierOf(Metric::kAccuracy, kAccuracyTiers, std::nan("")).has_value());
}

TEST(TierTest, CheckTiersNamesTheBrokenRule) {
  EXPECT_TRUE(CheckTiers(Metric::kAccuracy, kAccuracyTiers).ok());
  EXPECT_TRUE(CheckTiers(Metric::kBitsPerChar, kBitsTiers).ok());
  struct Case {
    Metric metric;
    std::vector<Tier> tiers;
    const char* message;
  };
  const Case cases[] = {
      {Metric::kAccuracy, {}, "at least one tier"},
      {Metric::kAccuracy, {{0.5, 0.5}}, "last (top) tier must have credit = 1"},
      {Metric::kAccuracy, {{0.9, 0.5}, {0.8, 1.0}}, "tiers[1].at must be greater"},
      {Metric::kBitsPerChar, {{2.0, 0.5}, {3.0, 1.0}}, "tiers[1].at must be less"},
      {Metric::kAccuracy, {{0.5, 0.5}, {0.9, 0.5}}, "tiers[1].credit must be >"},
      {Metric::kAccuracy, {{1.5, 1.0}}, "tiers[0].at must be in [0, 1]"},
      {Metric::kBitsPerChar, {{0.0, 1.0}}, "tiers[0].at must be > 0"},
      {Metric::kAccuracy, {{0.5, 0.0}, {0.9, 1.0}}, "tiers[0].credit must be in (0, 1]"},
  };
  for (const Case& c : cases) {
    base::Status s = CheckTiers(c.metric, c.tiers);
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_NE(s.message().find(c.message), std::string::npos) << s.message();
  }
}

TEST(ScoreRunTest, AccuracyEarnsTheCreditOfItsTier) {
  struct Case {
    int wrong;  // of 100
    Verdict verdict;
    double credit;
  };
  for (const Case& c : {Case{0, Verdict::kPassed, 1.0}, Case{5, Verdict::kPassed, 1.0},
                        Case{6, Verdict::kPartial, 0.75}, Case{15, Verdict::kPartial, 0.5},
                        Case{40, Verdict::kPartial, 0.25}, Case{41, Verdict::kWrongAnswer, 0.0}}) {
    auto [got, target] = Predictions(100, c.wrong);
    TierOutcome o = ScoreRun(Accuracy(), "predicted", got, target, /*reveal_value=*/true);
    EXPECT_EQ(o.verdict, c.verdict) << c.wrong << " wrong: " << o.message;
    EXPECT_DOUBLE_EQ(o.credit, c.credit) << c.wrong;
    ASSERT_TRUE(o.value.has_value());
    EXPECT_DOUBLE_EQ(*o.value, (100 - c.wrong) / 100.0);
  }
  auto [got, target] = Predictions(100, 6);
  EXPECT_EQ(ScoreRun(Accuracy(), "predicted", got, target, true).message,
            "accuracy 0.9400 in tier 3 of 4 (≥ 0.9: 75 % of the points)");
}

TEST(ScoreRunTest, HiddenTestsShowTheTierButNotTheValue) {
  auto [got, target] = Predictions(100, 6);
  TierOutcome o = ScoreRun(Accuracy(), "predicted", got, target, /*reveal_value=*/false);
  EXPECT_EQ(o.message, "accuracy is in tier 3 of 4 (≥ 0.9: 75 % of the points)");
  EXPECT_EQ(o.message.find("0.94"), std::string::npos);
}

TEST(ScoreRunTest, AccuracyPatterns) {
  // Every prediction class 2: a collapsed model.
  auto [got, target] = Predictions(90, 0);
  std::fill(got.values.begin(), got.values.end(), 2.0);
  TierOutcome o = ScoreRun(Accuracy(), "predicted", got, target, true);
  EXPECT_EQ(o.verdict, Verdict::kWrongAnswer);
  ASSERT_TRUE(o.diagnosis.has_value());
  EXPECT_EQ(o.diagnosis->pattern, "single_class");
  EXPECT_NE(o.diagnosis->detail.find("class 2"), std::string::npos);
  EXPECT_EQ(ScoreRun(Accuracy(), "predicted", got, target, false).diagnosis->detail.find("class 2"),
            std::string::npos);
  // Two classes predicted, accuracy 1/3 + a little: chance level.
  for (size_t i = 0; i < got.values.size(); ++i) got.values[i] = static_cast<double>(i % 2);
  o = ScoreRun(Accuracy(), "predicted", got, target, true);
  ASSERT_TRUE(o.diagnosis.has_value());
  EXPECT_EQ(o.diagnosis->pattern, "chance_level");
  // The top tier carries no diagnosis.
  auto [right, labels] = Predictions(90, 0);
  EXPECT_FALSE(ScoreRun(Accuracy(), "predicted", right, labels, true).diagnosis.has_value());
}

TEST(ScoreRunTest, InvalidPredictionsAreRefusedClearly) {
  auto [got, target] = Predictions(30, 0);
  got.values[4] = 1.5;
  TierOutcome o = ScoreRun(Accuracy(), "predicted", got, target, true);
  EXPECT_EQ(o.verdict, Verdict::kWrongAnswer);
  EXPECT_FALSE(o.value.has_value());
  EXPECT_NE(o.message.find("row 4 is 1.5"), std::string::npos) << o.message;
  got.values[4] = std::nan("");
  EXPECT_EQ(ScoreRun(Accuracy(), "predicted", got, target, true).verdict, Verdict::kNonFinite);
  Tensor short_output{TensorKind::kVector, 29, 1, std::vector<double>(29, 0.0)};
  o = ScoreRun(Accuracy(), "predicted", short_output, target, true);
  EXPECT_EQ(o.verdict, Verdict::kShapeMismatch);
  EXPECT_NE(o.message.find("29x1, expected 30x1"), std::string::npos) << o.message;
}

// K rows over V = 4 characters: the target gets probability `p`, the rest share 1 − p.
Tensor Distributions(int K, double p, const Tensor& target) {
  Tensor t{TensorKind::kMatrix, K, 4, std::vector<double>(static_cast<size_t>(K) * 4)};
  for (int i = 0; i < K; ++i) {
    for (int c = 0; c < 4; ++c) {
      t.values[static_cast<size_t>(i * 4 + c)] =
          c == static_cast<int>(target.values[static_cast<size_t>(i)]) ? p : (1.0 - p) / 3.0;
    }
  }
  return t;
}

TEST(ScoreRunTest, BitsPerCharIsTheMeanNegativeLog2OfTheTarget) {
  const Tensor next = Labels({0, 1, 2, 3, 0, 1});
  // p = 2^-3 on every target: exactly 3 bits, tier 2 (≤ 3.3).
  TierOutcome o = ScoreRun(Bits(), "probs", Distributions(6, 0.125, next), next, true);
  ASSERT_TRUE(o.value.has_value());
  EXPECT_DOUBLE_EQ(*o.value, 3.0);
  EXPECT_EQ(o.verdict, Verdict::kPartial);
  EXPECT_DOUBLE_EQ(o.credit, 0.5);
  EXPECT_EQ(o.message, "bits_per_char 3.0000 in tier 2 of 4 (≤ 3.3: 50 % of the points)");
  o = ScoreRun(Bits(), "probs", Distributions(6, 0.5, next), next, true);
  EXPECT_EQ(o.verdict, Verdict::kPassed);
  EXPECT_DOUBLE_EQ(*o.value, 1.0);
}

TEST(ScoreRunTest, ZeroProbabilityIsInfiniteAndEarnsNothing) {
  const Tensor next = Labels({0, 1, 2, 3});
  Tensor probs = Distributions(4, 0.5, next);
  probs.values[1 * 4 + 1] = 0.0;  // row 1's target
  probs.values[1 * 4 + 0] += 0.5;
  TierOutcome o = ScoreRun(Bits(), "probs", probs, next, true);
  EXPECT_EQ(o.verdict, Verdict::kWrongAnswer);
  EXPECT_EQ(o.credit, 0.0);
  ASSERT_TRUE(o.value.has_value());
  EXPECT_TRUE(std::isinf(*o.value));
  ASSERT_TRUE(o.diagnosis.has_value());
  EXPECT_EQ(o.diagnosis->pattern, "zero_probability");
  EXPECT_NE(o.diagnosis->detail.find("1 of 4"), std::string::npos);
  EXPECT_NE(o.message.find("infinite"), std::string::npos) << o.message;
}

TEST(ScoreRunTest, RowsThatAreNotDistributionsAreNotScored) {
  const Tensor next = Labels({0, 1, 2});
  Tensor probs = Distributions(3, 0.5, next);
  probs.values[2 * 4 + 3] += 0.01;  // row 2 sums to 1.01
  TierOutcome o = ScoreRun(Bits(), "probs", probs, next, true);
  EXPECT_EQ(o.verdict, Verdict::kWrongAnswer);
  EXPECT_FALSE(o.value.has_value());
  EXPECT_NE(o.message.find("row 2 sums to 1.01"), std::string::npos) << o.message;
  EXPECT_EQ(o.diagnosis->pattern, "not_a_distribution");
  EXPECT_EQ(ScoreRun(Bits(), "probs", probs, next, false).message.find("row 2"), std::string::npos);
  probs = Distributions(3, 0.5, next);
  probs.values[0 * 4 + 1] = -0.1;
  probs.values[0 * 4 + 2] += 0.1;
  o = ScoreRun(Bits(), "probs", probs, next, true);
  EXPECT_EQ(o.verdict, Verdict::kWrongAnswer);
  EXPECT_NE(o.message.find("negative entry"), std::string::npos) << o.message;
  // Within 1e-6 a row still counts as normalised.
  probs = Distributions(3, 0.5, next);
  probs.values[0] += 5e-7;
  EXPECT_TRUE(ScoreRun(Bits(), "probs", probs, next, true).value.has_value());
}

const std::string kTraining = R"toml(
id = "t"
title = "A training problem"
version = 1
skills = ["s"]
[limits]
cpu_time_ms = 1000
[functions.fit]
returns = "vector"
params = [{ name = "X", type = "matrix" }, { name = "y", type = "labels" }]
[entries.fit]
pattern = "call"
function = "fit"
outputs = ["predicted"]
[entries.fit.inputs]
X = { shape = ["N", "D"] }
y = { shape = ["N"], kind = "labels", classes = "C" }
[entries.fit.limits]
cpu_time_ms = 20000
wall_time_ms = 40000
[entries.fit.scoring]
metric = "accuracy"
data = "make_data"
output = "predicted"
target = "y_test"
tiers = [{ at = 0.6, credit = 0.25 }, { at = 0.95, credit = 1.0 }]
[[tests]]
name = "run"
entry = "fit"
visibility = "visible"
seed = 1
dims = { N = 30, D = 4, C = 3 }
)toml";

TEST(ScoringSpecTest, ParsesScoringAndTheEntrysOwnLimits) {
  auto p = ParseProblem(kTraining, "t/problem.toml");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(p->TierScored());
  const EntrySpec& e = p->entries[0];
  ASSERT_TRUE(e.scoring.has_value());
  EXPECT_EQ(e.scoring->metric, Metric::kAccuracy);
  EXPECT_EQ(e.scoring->data, "make_data");
  EXPECT_EQ(e.scoring->output, "predicted");
  EXPECT_EQ(e.scoring->target, "y_test");
  ASSERT_EQ(e.scoring->tiers.size(), 2u);
  EXPECT_EQ(e.scoring->tiers[0].at, 0.6);
  EXPECT_EQ(e.scoring->tiers[1].credit, 1.0);
  // The entry's limits replace the problem's for its tests; unset keys keep the problem's.
  EXPECT_EQ(p->limits.cpu_time.count(), 1000);
  EXPECT_EQ(p->tests[0].limits.cpu_time.count(), 20000);
  EXPECT_EQ(p->tests[0].limits.wall_time.count(), 40000);
  EXPECT_EQ(p->tests[0].limits.memory_bytes, 256LL << 20);
}

TEST(ScoringSpecTest, TestsOfOtherEntriesKeepTheProblemsLimits) {
  auto p = ParseProblem(kTraining, "t/problem.toml");
  ASSERT_TRUE(p.ok()) << p.status().message();
  std::string text = kTraining;
  text.replace(text.find("[entries.fit.limits]"), std::string("[entries.fit.limits]").size(),
               "[entries.fit.limits_unused]");
  EXPECT_FALSE(ParseProblem(text, "t/problem.toml").ok());  // an unknown key of the entry
  const std::string plain = R"toml(
id = "q"
title = "Q"
version = 1
skills = ["s"]
[functions.f]
returns = "matrix"
params = [{ name = "X", type = "matrix" }]
[entries.f]
pattern = "call"
function = "f"
outputs = ["Y"]
[entries.f.inputs]
X = { shape = ["N", "D"] }
[[tests]]
name = "v"
entry = "f"
visibility = "visible"
seed = 3
dims = { N = 4, D = 5 }
)toml";
  auto q = ParseProblem(plain, "q/problem.toml");
  ASSERT_TRUE(q.ok()) << q.status().message();
  EXPECT_FALSE(q->TierScored());
  EXPECT_EQ(q->tests[0].limits.cpu_time.count(), 2000);
}

TEST(ScoringSpecTest, RefusesBrokenScoringNamingTheKey) {
  struct Case {
    const char* from;
    const char* to;
    const char* message;
  };
  const Case cases[] = {
      {"metric = \"accuracy\"", "metric = \"f1\"",
       "entries.fit.scoring.metric must be \"accuracy\" or \"bits_per_char\", not \"f1\""},
      {"output = \"predicted\"", "output = \"scores\"",
       "entries.fit.scoring.output \"scores\" is not an output of the entry"},
      {"target = \"y_test\"", "target = \"y\"",
       "entries.fit.scoring.target \"y\" is an input of the entry"},
      {"data = \"make_data\"\n", "", "entries.fit.scoring.data is required"},
      {"{ at = 0.95, credit = 1.0 }", "{ at = 0.5, credit = 1.0 }",
       "entries.fit.scoring tiers[1].at must be greater"},
      {"{ at = 0.95, credit = 1.0 }", "{ at = 0.95, credit = 0.9 }",
       "entries.fit.scoring tiers: the last (top) tier must have credit = 1"},
      {"{ at = 0.6, credit = 0.25 }", "{ at = 0.6 }",
       "entries.fit.scoring.tiers[0].credit is required"},
      {"tiers = [", "levels = [", "entries.fit.scoring.levels is not a known key"},
      {"cpu_time_ms = 20000\nwall_time_ms = 40000", "cpu_time_ms = 70000",
       "entries.fit.limits.cpu_time_ms must be in 10..60000"},
  };
  for (const Case& c : cases) {
    std::string text = kTraining;
    const size_t at = text.find(c.from);
    ASSERT_NE(at, std::string::npos) << c.from;
    text.replace(at, std::string(c.from).size(), c.to);
    auto p = ParseProblem(text, "t/problem.toml");
    ASSERT_FALSE(p.ok()) << c.message;
    EXPECT_NE(p.status().message().find(c.message), std::string::npos) << p.status().message();
  }
}

}  // namespace
}  // namespace grader
