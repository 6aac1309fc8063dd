// Comparison of one output against the reference: shape first, then finiteness, then the
// largest relative error |a−b| / max(|a|+|b|, floor) against the test's tolerance.
#pragma once

#include <cstdint>
#include <string>

#include "grader/verdict.h"
#include "harness/tensor.h"

namespace grader {

struct Comparison {
  Verdict verdict = Verdict::kPassed;  // kPassed, kShapeMismatch, kNonFinite or kWrongAnswer
  double max_rel_error = 0.0;          // over all entries; +inf when a non-finite one differs
  int64_t worst_row = -1;              // the entry with the largest error (or first non-finite)
  int64_t worst_col = -1;
  double got = 0.0;
  double expected = 0.0;
};

double RelativeError(double got, double expected, double floor);

// REQUIRES: tolerance > 0, floor > 0. `expected` comes from the reference.
Comparison CompareTensor(const reference::Tensor& got, const reference::Tensor& expected,
                         double tolerance, double floor);

// One line for a learner. With `reveal_values` false (hidden tests) it says which output and
// what kind of failure, never the entry, the values or the error size.
std::string DescribeComparison(const std::string& output_name, const Comparison& c,
                               const reference::Tensor& got, const reference::Tensor& expected,
                               bool reveal_values);

}  // namespace grader
