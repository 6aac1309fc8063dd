#include "grader/compare.h"

#include <cmath>
#include <cstdio>

namespace grader {

double RelativeError(double got, double expected, double floor) {
  return std::fabs(got - expected) / std::fmax(std::fabs(got) + std::fabs(expected), floor);
}

Comparison CompareTensor(const reference::Tensor& got, const reference::Tensor& expected,
                         double tolerance, double floor) {
  Comparison c;
  if (got.rows != expected.rows || got.cols != expected.cols ||
      got.values.size() != expected.values.size()) {
    c.verdict = Verdict::kShapeMismatch;
    c.max_rel_error = INFINITY;
    return c;
  }
  for (int64_t r = 0; r < got.rows; ++r) {
    for (int64_t col = 0; col < got.cols; ++col) {
      const double a = got.at(r, col);
      const double b = expected.at(r, col);
      if (!std::isfinite(a)) {
        if (a == b || (std::isnan(a) && std::isnan(b))) continue;  // the reference agrees
        if (c.verdict != Verdict::kNonFinite) {
          c.verdict = Verdict::kNonFinite;
          c.max_rel_error = INFINITY;
          c.worst_row = r, c.worst_col = col, c.got = a, c.expected = b;
        }
        continue;
      }
      const double error = std::isfinite(b) ? RelativeError(a, b, floor) : INFINITY;
      if (c.verdict != Verdict::kNonFinite && (error > c.max_rel_error || c.worst_row < 0)) {
        c.max_rel_error = error;
        c.worst_row = r, c.worst_col = col, c.got = a, c.expected = b;
      }
    }
  }
  if (c.verdict == Verdict::kPassed && c.max_rel_error > tolerance) {
    c.verdict = Verdict::kWrongAnswer;
  }
  return c;
}

std::string DescribeComparison(const std::string& output_name, const Comparison& c,
                               const reference::Tensor& got, const reference::Tensor& expected,
                               bool reveal_values) {
  char buffer[512];
  switch (c.verdict) {
    case Verdict::kPassed:
      std::snprintf(buffer, sizeof(buffer), "%s matches (max relative error %.3g)",
                    output_name.c_str(), c.max_rel_error);
      return buffer;
    case Verdict::kShapeMismatch:
      std::snprintf(buffer, sizeof(buffer), "output '%s' has shape %lldx%lld, expected %lldx%lld",
                    output_name.c_str(), static_cast<long long>(got.rows),
                    static_cast<long long>(got.cols), static_cast<long long>(expected.rows),
                    static_cast<long long>(expected.cols));
      return buffer;
    case Verdict::kNonFinite:
      if (!reveal_values) {
        return "output '" + output_name +
               "' contains NaN or Inf where the expected values are "
               "finite";
      }
      std::snprintf(buffer, sizeof(buffer),
                    "output '%s' has a non-finite value at (%lld, %lld): got %.7g, expected %.7g",
                    output_name.c_str(), static_cast<long long>(c.worst_row),
                    static_cast<long long>(c.worst_col), c.got, c.expected);
      return buffer;
    default:
      if (!reveal_values) return "output '" + output_name + "' differs from the expected values";
      std::snprintf(buffer, sizeof(buffer),
                    "output '%s' differs: worst at (%lld, %lld): got %.7g, expected %.7g "
                    "(relative error %.3g)",
                    output_name.c_str(), static_cast<long long>(c.worst_row),
                    static_cast<long long>(c.worst_col), c.got, c.expected, c.max_rel_error);
      return buffer;
  }
}

}  // namespace grader
