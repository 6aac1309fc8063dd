// Diagnosis of failed tests (docs/result-json.md: misconceptions and patterns).
//
// For a failed test the grader evaluates the mutants of the test's entry on the same inputs; a
// mutant whose outcome equals the learner's (same outputs within the test's tolerance, or the
// same Eigen dimension check failing) names the misconception. Across the tests of one entry,
// a mutant that reproduces every failed test wins, so tests that cannot tell two mutants apart
// (both failing a dimension check, say) are still named when another test can. When no single
// mutant matches, generic detectors describe the error's pattern. Pure: no process is run.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "grader/diagnosis.h"
#include "grader/grade.h"
#include "grader/problem_spec.h"
#include "harness/tensor.h"
#include "reference/registry.h"

namespace grader {

// What one test run produced, kept for diagnosis.
struct TestEvidence {
  bool has_reference = false;  // inputs generated and the reference evaluated
  reference::Tensors inputs;
  reference::Tensors expected;
  std::optional<reference::Tensors> outputs;  // the learner's, from a valid result frame
  bool dimension_mismatch = false;            // the learner's program failed an Eigen check
  bool index_out_of_range = false;            // ... and that check was a bounds check
};

// The expression of a failed Eigen assertion is a bounds check (operator() or coeff with an
// index outside the matrix, e.g. 1-based labels), not a check that two operands' shapes agree.
bool IsIndexAssertion(const std::string& expression);

// A least-squares factor α (L ≈ αR) is named only when it is this far from 1: below it, the
// "factor" is an additive slip (an ε in the wrong place) that happens to look like a scaling.
inline constexpr double kMinScaleDeviation = 0.05;

// The mutants of `test.entry` whose outcome equals the learner's on this test.
// Errors: kInternal when a mutant fails (an authoring error).
base::StatusOr<std::vector<const reference::Mutant*>> MatchingMutants(
    const reference::ProblemCode& code, const TestSpec& test, const TestEvidence& evidence);

// Generic detectors on a failed test's outputs, in the entry's output order. `reveal_values`
// false (hidden tests) keeps counts and values out of the detail.
std::optional<Diagnosis> DetectPattern(const TestSpec& test, const EntrySpec& entry,
                                       const TestEvidence& evidence, bool reveal_values);

// Sets `diagnosis` on every failed test of `result` that has evidence (tests[i] ↔ evidence[i]).
// Errors: kInternal when a mutant fails; the result is then left without diagnoses.
base::Status DiagnoseSubmission(const ProblemSpec& problem, const reference::ProblemCode& code,
                                const std::vector<TestEvidence>& evidence, GradeResult* result);

Diagnosis MisconceptionDiagnosis(const reference::Mutant& mutant);

}  // namespace grader
