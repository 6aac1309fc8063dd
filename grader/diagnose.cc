#include "grader/diagnose.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "grader/compare.h"

namespace grader {
namespace {

using reference::Tensor;
using reference::Tensors;

// Flat values a and b agree within the test's tolerance (same count; shapes may differ).
bool FlatClose(const std::vector<double>& a, const std::vector<double>& b, const TestSpec& test) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!std::isfinite(a[i]) || !std::isfinite(b[i])) return false;
    if (RelativeError(a[i], b[i], test.floor) > test.tolerance) return false;
  }
  return true;
}

bool SameShape(const Tensor& a, const Tensor& b) { return a.rows == b.rows && a.cols == b.cols; }

bool AllFinite(const Tensor& t) {
  for (double x : t.values) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

// The learner's outputs equal `want` output by output.
bool OutputsMatch(const Tensors& got, const Tensors& want, const TestSpec& test) {
  for (const auto& [name, w] : want) {
    auto g = got.find(name);
    if (g == got.end()) return false;
    if (CompareTensor(g->second, w, test.tolerance, test.floor).verdict != Verdict::kPassed) {
      return false;
    }
  }
  return true;
}

std::string Format(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.4g", x);
  return buffer;
}

// --- detectors, one output at a time --------------------------------------------------------

struct Finding {
  std::string pattern;
  std::string detail;
};

// L has NaN/Inf where R is finite.
std::optional<Finding> NonFinite(const std::string& name, const Tensor& got, const Tensor& want) {
  if (!SameShape(got, want) || AllFinite(got) || !AllFinite(want)) return std::nullopt;
  return Finding{"non_finite",
                 "'" + name +
                     "' has NaN or Inf entries where the expected values are finite: "
                     "look for overflow (exp of a large value), division by zero, log of 0 or an "
                     "uninitialised matrix"};
}

// L ≈ Rᵀ.
std::optional<Finding> Transposed(const std::string& name, const Tensor& got, const Tensor& want,
                                  const TestSpec& test) {
  if (got.rows != want.cols || got.cols != want.rows || want.rows == want.cols) return std::nullopt;
  if (want.rows == 1 || want.cols == 1) return std::nullopt;  // a vector's orientation: not news
  std::vector<double> transposed(want.values.size());
  for (int64_t i = 0; i < want.rows; ++i) {
    for (int64_t j = 0; j < want.cols; ++j) {
      transposed[static_cast<size_t>(j * want.rows + i)] = want.at(i, j);
    }
  }
  if (!FlatClose(got.values, transposed, test)) return std::nullopt;
  return Finding{"transposed", "'" + name + "' holds the right values, transposed: it is " +
                                   std::to_string(got.rows) + "×" + std::to_string(got.cols) +
                                   " but must be " + std::to_string(want.rows) + "×" +
                                   std::to_string(want.cols) +
                                   "; check the order of the factors of the product"};
}

// The reductions of an input matrix that a learner may confuse.
struct Reduction {
  std::string description;
  std::vector<double> values;
};

std::vector<Reduction> Reductions(const std::string& input, const Tensor& m) {
  std::vector<double> col_sum(static_cast<size_t>(m.cols), 0.0);
  std::vector<double> row_sum(static_cast<size_t>(m.rows), 0.0);
  double total = 0.0;
  for (int64_t i = 0; i < m.rows; ++i) {
    for (int64_t j = 0; j < m.cols; ++j) {
      col_sum[static_cast<size_t>(j)] += m.at(i, j);
      row_sum[static_cast<size_t>(i)] += m.at(i, j);
      total += m.at(i, j);
    }
  }
  auto scaled = [](std::vector<double> v, double by) {
    for (double& x : v) x /= by;
    return v;
  };
  const auto rows = static_cast<double>(m.rows), cols = static_cast<double>(m.cols);
  const std::string in = "'" + input + "' ";
  return {
      {in + "summed over its rows (one value per column)", col_sum},
      {in + "summed over its columns (one value per row)", row_sum},
      {in + "averaged over its rows (one value per column)", scaled(col_sum, rows)},
      {in + "averaged over its columns (one value per row)", scaled(row_sum, cols)},
      {in + "summed over all entries", {total}},
      {in + "averaged over all entries", {total / (rows * cols)}},
  };
}

// R is one reduction of an input and L another reduction of the same input.
std::optional<Finding> WrongAxis(const std::string& name, const Tensor& got, const Tensor& want,
                                 const TestEvidence& evidence, const TestSpec& test) {
  for (const auto& [input, tensor] : evidence.inputs) {
    if (tensor.rows < 2 || tensor.cols < 2) continue;
    const std::vector<Reduction> reductions = Reductions(input, tensor);
    const Reduction* expected = nullptr;
    const Reduction* learner = nullptr;
    for (const Reduction& r : reductions) {
      if (expected == nullptr && FlatClose(want.values, r.values, test)) expected = &r;
      if (learner == nullptr && FlatClose(got.values, r.values, test)) learner = &r;
    }
    if (expected != nullptr && learner != nullptr && expected != learner) {
      return Finding{"reduction_axis", "'" + name + "' equals " + learner->description +
                                           ", but it must be " + expected->description};
    }
  }
  return std::nullopt;
}

// Names a scale factor: ±1, 2, ½, 0, or a dimension of the test (N, 1/N).
std::string NameFactor(double alpha, const TestSpec& test) {
  auto near = [alpha](double c) {
    return std::fabs(alpha - c) <= 1e-6 * std::fmax(1.0, std::fabs(c));
  };
  if (near(-1)) return "-1 × the expected values: the sign is flipped";
  if (near(2))
    return "2 × the expected values: a factor-2 convention (e.g. the derivative of x² vs ½x²)";
  if (near(0.5))
    return "½ × the expected values: a factor-2 convention (e.g. the derivative of ½x² vs x²)";
  for (const auto& [dim, n] : test.dims) {
    const auto size = static_cast<double>(n);
    if (near(size)) {
      return dim + " × the expected values (" + dim + " = " + std::to_string(n) +
             "): a sum where a mean belongs, or a missing division by " + dim;
    }
    if (near(1.0 / size)) {
      return "the expected values divided by " + dim + " (" + dim + " = " + std::to_string(n) +
             "): an extra averaging over " + dim + ", or a mean where a sum belongs";
    }
    if (near(-size) || near(-1.0 / size)) {
      return Format(alpha) + " × the expected values: a sign error and a factor of " + dim;
    }
  }
  return Format(alpha) + " × the expected values: a constant factor is wrong";
}

// L ≈ αR with a small residual ‖L − αR‖ / ‖R‖, α ≠ 1.
std::optional<Finding> ScaleFactor(const std::string& name, const Tensor& got, const Tensor& want,
                                   const TestSpec& test) {
  if (!SameShape(got, want) || !AllFinite(got)) return std::nullopt;
  double lr = 0, rr = 0;
  for (size_t i = 0; i < want.values.size(); ++i) {
    lr += got.values[i] * want.values[i];
    rr += want.values[i] * want.values[i];
  }
  if (rr == 0) return std::nullopt;
  if (std::all_of(got.values.begin(), got.values.end(), [](double x) { return x == 0.0; })) {
    return Finding{"all_zeros", "'" + name +
                                    "' is all zeros: not computed yet, or an integer "
                                    "division (1/n with int n) truncated to 0"};
  }
  // Any wrong scalar is "α × the expected value" for α = L/R: that names no factor.
  if (want.values.size() == 1) return std::nullopt;
  // α = ⟨L,R⟩ / ⟨R,R⟩, the least-squares scale of R closest to L.
  const double alpha = lr / rr;
  double residual = 0;
  for (size_t i = 0; i < want.values.size(); ++i) {
    const double r = got.values[i] - alpha * want.values[i];
    residual += r * r;
  }
  if (std::sqrt(residual / rr) > std::fmax(10 * test.tolerance, 1e-9)) return std::nullopt;
  if (std::fabs(alpha - 1) <= kMinScaleDeviation) return std::nullopt;
  return Finding{"scale_factor", "'" + name + "' is " + NameFactor(alpha, test)};
}

// Every wrong entry sits where an input of the same shape is exactly 0.
std::optional<Finding> WrongAtZeros(const std::string& name, const Tensor& got, const Tensor& want,
                                    const TestEvidence& evidence, const TestSpec& test,
                                    bool reveal_values) {
  if (!SameShape(got, want) || !AllFinite(got)) return std::nullopt;
  for (const auto& [input, tensor] : evidence.inputs) {
    if (!SameShape(tensor, want)) continue;
    int64_t wrong = 0;
    bool only_at_zeros = true;
    for (size_t i = 0; i < want.values.size() && only_at_zeros; ++i) {
      if (RelativeError(got.values[i], want.values[i], test.floor) <= test.tolerance) continue;
      ++wrong;
      only_at_zeros = tensor.values[i] == 0.0;
    }
    if (only_at_zeros && wrong > 0) {
      std::string detail = "'" + name + "' is wrong only where '" + input + "' is exactly 0";
      if (reveal_values) detail += " (" + std::to_string(wrong) + " entries)";
      return Finding{"wrong_at_zeros", detail + ": check what your code does at exactly 0"};
    }
  }
  return std::nullopt;
}

std::optional<Finding> DetectOutput(const std::string& name, const Tensor& got, const Tensor& want,
                                    const TestEvidence& evidence, const TestSpec& test,
                                    bool reveal_values) {
  if (auto f = NonFinite(name, got, want)) return f;
  if (auto f = Transposed(name, got, want, test)) return f;
  if (auto f = WrongAxis(name, got, want, evidence, test)) return f;
  if (auto f = ScaleFactor(name, got, want, test)) return f;
  return WrongAtZeros(name, got, want, evidence, test, reveal_values);
}

bool Failed(const TestResult& t) { return t.verdict != Verdict::kPassed; }

bool Diagnosable(const TestResult& t, const TestEvidence& e) {
  return Failed(t) && e.has_reference &&
         (e.outputs.has_value() || e.dimension_mismatch || e.index_out_of_range);
}

}  // namespace

bool IsIndexAssertion(const std::string& expression) {
  // Eigen's bounds checks (DenseCoeffsBase's operator(), coeff, Block's row(i) and block())
  // begin by comparing an index with 0; its shape checks compare two sizes.
  std::string compact;
  for (char c : expression) {
    if (c != ' ' && c != '(') compact += c;
  }
  for (const char* start : {"row>=0", "col>=0", "index>=0", "i>=0", "startRow>=0", "startCol>=0"}) {
    if (compact.starts_with(start)) return true;
  }
  return false;
}

Diagnosis MisconceptionDiagnosis(const reference::Mutant& mutant) {
  Diagnosis d;
  d.kind = Diagnosis::Kind::kMisconception;
  d.misconception = mutant.id;
  d.skills = mutant.skills;
  d.explanation = mutant.explanation;
  return d;
}

base::StatusOr<std::vector<const reference::Mutant*>> MatchingMutants(
    const reference::ProblemCode& code, const TestSpec& test, const TestEvidence& evidence) {
  std::vector<const reference::Mutant*> matches;
  for (const reference::Mutant& mutant : code.mutants) {
    if (mutant.entry != test.entry) continue;
    auto outcome = reference::EvaluateMutant(mutant, evidence.inputs);
    if (!outcome.ok()) return outcome.status();
    const bool match =
        outcome->dimension_mismatch
            ? evidence.dimension_mismatch
            : evidence.outputs && OutputsMatch(*evidence.outputs, outcome->outputs, test);
    if (match) matches.push_back(&mutant);
  }
  return matches;
}

std::optional<Diagnosis> DetectPattern(const TestSpec& test, const EntrySpec& entry,
                                       const TestEvidence& evidence, bool reveal_values) {
  Diagnosis d;
  if (evidence.index_out_of_range) {
    d.pattern = "index_out_of_range";
    d.detail =
        "an index was out of range (an Eigen bounds check failed): indices and labels are "
        "0-based, from 0 to size − 1";
    return d;
  }
  if (evidence.dimension_mismatch) {
    d.pattern = "dimension_mismatch";
    d.detail =
        "an Eigen dimension check failed: compare the shape of every operand with the "
        "shapes in the statement";
    return d;
  }
  if (!evidence.outputs) return std::nullopt;
  for (const std::string& name : entry.outputs) {
    auto got = evidence.outputs->find(name);
    auto want = evidence.expected.find(name);
    if (got == evidence.outputs->end() || want == evidence.expected.end()) continue;
    if (CompareTensor(got->second, want->second, test.tolerance, test.floor).verdict ==
        Verdict::kPassed) {
      continue;
    }
    auto finding = DetectOutput(name, got->second, want->second, evidence, test, reveal_values);
    if (!finding) continue;
    if (d.pattern.empty()) d.pattern = finding->pattern;
    d.detail += (d.detail.empty() ? "" : "; ") + finding->detail;
  }
  if (d.pattern.empty()) return std::nullopt;
  return d;
}

base::Status DiagnoseSubmission(const ProblemSpec& problem, const reference::ProblemCode& code,
                                const std::vector<TestEvidence>& evidence, GradeResult* result) {
  const size_t n = problem.tests.size();
  std::vector<std::vector<const reference::Mutant*>> matches(n);
  for (size_t i = 0; i < n; ++i) {
    if (!Diagnosable(result->tests[i], evidence[i])) continue;
    auto m = MatchingMutants(code, problem.tests[i], evidence[i]);
    if (!m.ok()) return m.status();
    matches[i] = *m;
  }
  // Per entry: the mutants that reproduce every diagnosable failed test of it.
  std::map<std::string, std::vector<const reference::Mutant*>> consistent;
  for (const reference::Mutant& mutant : code.mutants) {
    bool all = false;
    for (size_t i = 0; i < n; ++i) {
      if (problem.tests[i].entry != mutant.entry || !Diagnosable(result->tests[i], evidence[i])) {
        continue;
      }
      all = std::find(matches[i].begin(), matches[i].end(), &mutant) != matches[i].end();
      if (!all) break;
    }
    if (all) consistent[mutant.entry].push_back(&mutant);
  }
  for (size_t i = 0; i < n; ++i) {
    if (!Diagnosable(result->tests[i], evidence[i])) continue;
    const TestSpec& test = problem.tests[i];
    const auto& entry_wide = consistent[test.entry];
    if (entry_wide.size() == 1) {
      result->tests[i].diagnosis = MisconceptionDiagnosis(*entry_wide[0]);
    } else if (matches[i].size() == 1) {
      result->tests[i].diagnosis = MisconceptionDiagnosis(*matches[i][0]);
    } else if (const EntrySpec* entry = problem.FindEntry(test.entry)) {
      result->tests[i].diagnosis =
          DetectPattern(test, *entry, evidence[i], test.visibility == Visibility::kVisible);
    }
  }
  return base::Status::Ok();
}

}  // namespace grader
