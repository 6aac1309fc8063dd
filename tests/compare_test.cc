#include "grader/compare.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace grader {
namespace {

using reference::Tensor;
using reference::TensorKind;

Tensor M(int64_t rows, int64_t cols, std::vector<double> v) {
  return Tensor{TensorKind::kMatrix, rows, cols, std::move(v)};
}

TEST(CompareTest, EqualPasses) {
  Comparison c = CompareTensor(M(1, 2, {1, 2}), M(1, 2, {1, 2}), 1e-7, 1e-6);
  EXPECT_EQ(c.verdict, Verdict::kPassed);
  EXPECT_EQ(c.max_rel_error, 0.0);
}

TEST(CompareTest, ShapeMismatchBeforeValues) {
  EXPECT_EQ(CompareTensor(M(2, 1, {1, 2}), M(1, 2, {1, 2}), 1e-7, 1e-6).verdict,
            Verdict::kShapeMismatch);
  EXPECT_EQ(CompareTensor(M(1, 1, {1}), M(1, 2, {1, 2}), 1e-7, 1e-6).verdict,
            Verdict::kShapeMismatch);
}

TEST(CompareTest, NonFiniteWhereExpectedFinite) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  Comparison c = CompareTensor(M(1, 3, {1, nan, 3}), M(1, 3, {1, 2, 3}), 1e-7, 1e-6);
  EXPECT_EQ(c.verdict, Verdict::kNonFinite);
  EXPECT_EQ(c.worst_col, 1);
  EXPECT_EQ(CompareTensor(M(1, 1, {inf}), M(1, 1, {1}), 1e-7, 1e-6).verdict, Verdict::kNonFinite);
  EXPECT_EQ(CompareTensor(M(1, 1, {-inf}), M(1, 1, {1}), 1e-7, 1e-6).verdict, Verdict::kNonFinite);
  // Non-finite wins over an ordinary wrong value elsewhere.
  EXPECT_EQ(CompareTensor(M(1, 2, {5, nan}), M(1, 2, {1, 2}), 1e-7, 1e-6).verdict,
            Verdict::kNonFinite);
  // A finite value where the reference is infinite is wrong, not passed.
  EXPECT_EQ(CompareTensor(M(1, 1, {1}), M(1, 1, {inf}), 1e-7, 1e-6).verdict, Verdict::kWrongAnswer);
  // The same infinity as the reference is fine.
  EXPECT_EQ(CompareTensor(M(1, 1, {inf}), M(1, 1, {inf}), 1e-7, 1e-6).verdict, Verdict::kPassed);
}

TEST(CompareTest, ToleranceEdges) {
  // |a-b| / (|a|+|b|): 1 vs 1+2e-7 gives about 1e-7.
  const double b = 1.0;
  const double just_inside = 1.0 + 1.9e-7;
  const double just_outside = 1.0 + 2.1e-7;
  EXPECT_EQ(CompareTensor(M(1, 1, {just_inside}), M(1, 1, {b}), 1e-7, 1e-6).verdict,
            Verdict::kPassed);
  EXPECT_EQ(CompareTensor(M(1, 1, {just_outside}), M(1, 1, {b}), 1e-7, 1e-6).verdict,
            Verdict::kWrongAnswer);
}

TEST(CompareTest, FloorMakesTinyValuesAbsolute) {
  // Around zero the floor turns the relative error into an absolute one: 1e-14 vs 0 passes.
  EXPECT_EQ(CompareTensor(M(1, 1, {1e-14}), M(1, 1, {0}), 1e-7, 1e-6).verdict, Verdict::kPassed);
  EXPECT_EQ(CompareTensor(M(1, 1, {1e-3}), M(1, 1, {0}), 1e-7, 1e-6).verdict,
            Verdict::kWrongAnswer);
  EXPECT_DOUBLE_EQ(RelativeError(1e-14, 0, 1e-6), 1e-8);
}

TEST(CompareTest, WorstElementReported) {
  Comparison c = CompareTensor(M(2, 2, {1, 2, 3, 4}), M(2, 2, {1, 2, 3, 5}), 1e-7, 1e-6);
  EXPECT_EQ(c.verdict, Verdict::kWrongAnswer);
  EXPECT_EQ(c.worst_row, 1);
  EXPECT_EQ(c.worst_col, 1);
  EXPECT_EQ(c.got, 4);
  EXPECT_EQ(c.expected, 5);
  EXPECT_NEAR(c.max_rel_error, 1.0 / 9.0, 1e-15);
}

TEST(CompareTest, HiddenDescriptionRevealsNoValues) {
  Tensor got = M(1, 2, {1.2345678, 2}), want = M(1, 2, {9.8765432, 2});
  Comparison c = CompareTensor(got, want, 1e-7, 1e-6);
  std::string hidden = DescribeComparison("dW", c, got, want, false);
  std::string shown = DescribeComparison("dW", c, got, want, true);
  EXPECT_EQ(hidden.find("1.234"), std::string::npos);
  EXPECT_EQ(hidden.find("9.876"), std::string::npos);
  EXPECT_NE(hidden.find("dW"), std::string::npos);
  EXPECT_NE(shown.find("1.234"), std::string::npos);
  EXPECT_NE(shown.find("9.876"), std::string::npos);
}

}  // namespace
}  // namespace grader
