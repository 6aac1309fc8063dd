// The numerical gradient check of a backward entry against the learner's OWN forward entry
// (docs/result-json.md): it separates "your backward is inconsistent with your forward"
// from "your forward is wrong (and your backward follows it)".
//
// For a failed test of an entry with `gradient_of` (docs/problem-format.md) that no mutant or
// pattern explained, the learner's program is run twice more, on the forward entry at x + h·v
// and x − h·v for one random direction v (zero where x is exactly 0: kinks such as ReLU's are
// not differentiable there). A directional derivative needs two runs, not 2·size(x):
//   numerical = Σ_o ⟨U_o, f_o(x + h v) − f_o(x − h v)⟩ / 2h      (U_o: the upstream gradients)
//   analytic  = Σ_x ⟨v_x, g_x⟩                                  (g_x: the learner's gradients)
// With several gradients (layernorm: dX, dgamma, dbeta) each input moves along its own v and the
// products are summed. A forward input the backward entry does not take (layernorm's beta) is
// drawn from the forward entry's spec with a fixed seed.
// The reference forward at x + h·v says whether the learner's forward is right.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/diagnose.h"
#include "grader/grade.h"
#include "grader/problem_spec.h"
#include "reference/registry.h"

namespace grader {

// The outcome of one check; pure, so tests can construct it.
struct GradientCheck {
  double numerical = 0;
  double analytic = 0;
  bool forward_right = false;  // the learner's forward matched the reference at x + h·v
};
// kConsistent: analytic ≈ numerical within a relative 1e-4.
bool GradientConsistent(const GradientCheck& check);
// The diagnosis a check gives, or nullopt when it explains nothing.
std::optional<Diagnosis> GradientDiagnosis(const GradientCheck& check, const EntrySpec& backward);

// Evaluates the forward entry on inputs: the learner's program, or (to check a reference) the
// reference itself; nullopt when it gives no valid outputs.
using ForwardFn = std::function<std::optional<reference::Tensors>(const reference::Tensors&)>;

// The check of `gradients` (the outputs of `backward` on `inputs`, a test of `backward`) along
// one fixed direction, against `run_forward` at inputs ± h·v; forward_right compares
// run_forward(x + h·v) with the reference. Forward inputs the backward entry does not take are
// drawn from a fixed seed. nullopt when the check cannot be made (missing or non-finite values).
std::optional<GradientCheck> DirectionalCheck(const ProblemSpec& problem,
                                              const reference::ProblemCode& code,
                                              const EntrySpec& backward, const TestSpec& test,
                                              const reference::Tensors& inputs,
                                              const reference::Tensors& gradients,
                                              const ForwardFn& run_forward);

// Runs the check for every failed test without a diagnosis; sets a pattern diagnosis
// (`forward_wrong` or `gradient_inconsistent`) when it says something. Runs that fail (the
// forward crashes, times out) leave the test undiagnosed. Never fails the grading.
void CheckGradients(const ProblemSpec& problem, const reference::ProblemCode& code,
                    const std::string& binary, const GradeContext& context,
                    const std::vector<TestEvidence>& evidence, GradeResult* result);

}  // namespace grader
