#include "grader/gradient_check.h"

#include <cmath>
#include <optional>

#include "grader/compare.h"
#include "grader/generator.h"
#include "grader/grade.h"
#include "grader/secret.h"
#include "harness/wire.h"

namespace grader {
namespace {

using reference::Tensor;
using reference::Tensors;

constexpr double kStep = 1e-5;  // h, relative to max(1, |x|_max)
constexpr double kRelativeAgreement = 1e-4;
constexpr uint64_t kMadeUpInputsSeed = 0x6AD1E27;

// One run of the learner's program on `entry`; nullopt when it does not return valid outputs.
// The request/response exchange of a test run (grade.cc), without the verdicts.
std::optional<Tensors> RunEntry(const std::string& binary, const ProblemSpec& problem,
                                const std::string& entry, const Tensors& inputs,
                                const GradeContext& context) {
  wire::Request request;
  request.entry = entry;
  request.inputs = inputs;
  if (!RandomBytes(request.nonce.data(), request.nonce.size()).ok()) return std::nullopt;
  sandbox::Outcome outcome =
      RunProgram(binary, problem, wire::EncodeRequest(request), *context.runner);
  if (outcome.status != sandbox::Status::kOk || outcome.exit_code != 0) return std::nullopt;
  auto response = wire::DecodeResponse(outcome.result_data);
  if (!response.ok() || response->nonce != request.nonce) return std::nullopt;
  return response->outputs;
}

// A fixed pseudo-random direction in [-1, 1], 0 where x is exactly 0.
Tensor Direction(const Tensor& x, uint64_t salt) {
  Tensor v = x;
  uint64_t state = 0x9E3779B97F4A7C15ULL ^ salt;
  for (size_t i = 0; i < v.values.size(); ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;         // LCG (Knuth MMIX)
    const double u = static_cast<double>(state >> 11) / 9007199254740992.0;  // [0, 1)
    v.values[i] = x.values[i] == 0.0 ? 0.0 : 2 * u - 1;
  }
  return v;
}

double Dot(const Tensor& a, const Tensor& b) {
  double s = 0;
  for (size_t i = 0; i < a.values.size() && i < b.values.size(); ++i)
    s += a.values[i] * b.values[i];
  return s;
}

bool FiniteSameShape(const Tensor& a, const Tensor& b) {
  if (a.rows != b.rows || a.cols != b.cols) return false;
  for (double x : a.values) {
    if (!std::isfinite(x)) return false;
  }
  return true;
}

// The forward entry's inputs: the test's, and for a forward input the backward entry does not
// take (layernorm's beta, batchnorm's running statistics) a draw from the forward entry's own
// spec. Those values are not hidden data: they are made up here, from a fixed seed.
std::optional<Tensors> ForwardInputs(const EntrySpec& forward, const TestSpec& test,
                                     const Tensors& inputs) {
  TestSpec made_up = test;
  made_up.inputs.clear();
  for (const InputSpec& input : forward.inputs) {
    if (!inputs.count(input.name)) made_up.inputs.push_back(input);
  }
  auto drawn = GenerateInputs(made_up, kMadeUpInputsSeed);
  if (!drawn.ok()) return std::nullopt;
  Tensors x;
  for (const InputSpec& input : forward.inputs) {
    auto given = inputs.find(input.name);
    x[input.name] = given != inputs.end() ? given->second : drawn->at(input.name);
  }
  return x;
}

}  // namespace

std::optional<GradientCheck> DirectionalCheck(const ProblemSpec& problem,
                                              const reference::ProblemCode& code,
                                              const EntrySpec& backward, const TestSpec& test,
                                              const Tensors& inputs, const Tensors& gradients,
                                              const ForwardFn& run_forward) {
  if (!backward.gradient_of) return std::nullopt;
  const GradientOf& g = *backward.gradient_of;
  const EntrySpec* forward = problem.FindEntry(g.forward);
  if (forward == nullptr) return std::nullopt;
  auto x = ForwardInputs(*forward, test, inputs);
  if (!x) return std::nullopt;
  Tensors plus = *x, minus = *x;
  std::map<std::string, Tensor> directions;  // forward input -> v
  GradientCheck check;
  uint64_t salt = 1;
  for (const auto& [gradient, input] : g.inputs) {
    const Tensor& xi = x->at(input);
    auto learner = gradients.find(gradient);
    if (learner == gradients.end() || !FiniteSameShape(learner->second, xi)) return std::nullopt;
    const Tensor v = Direction(xi, salt++);
    double scale = 1;
    for (double value : xi.values) scale = std::fmax(scale, std::fabs(value));
    const double h = kStep * scale;
    for (size_t i = 0; i < xi.values.size(); ++i) {
      plus[input].values[i] += h * v.values[i];
      minus[input].values[i] -= h * v.values[i];
    }
    // The learner's gradient along v, in units of the step: ⟨v, g⟩ · h, to pair with f(x±hv).
    check.analytic += Dot(v, learner->second) * h;
  }
  auto f_plus = run_forward(plus);
  auto f_minus = run_forward(minus);
  if (!f_plus || !f_minus) return std::nullopt;
  for (const auto& [output, upstream] : g.upstream) {
    auto p = f_plus->find(output), m = f_minus->find(output);
    if (p == f_plus->end() || m == f_minus->end()) return std::nullopt;
    auto given = inputs.find(upstream);
    if (given == inputs.end()) return std::nullopt;
    const Tensor& u = given->second;
    if (!FiniteSameShape(p->second, u) || !FiniteSameShape(m->second, u)) return std::nullopt;
    // ⟨U, f(x+hv) − f(x−hv)⟩ / 2, the numerical counterpart of ⟨v, g⟩ · h.
    check.numerical += (Dot(u, p->second) - Dot(u, m->second)) / 2;
  }
  auto reference_plus = reference::Evaluate(code.reference, g.forward, plus);
  if (!reference_plus.ok()) return std::nullopt;
  check.forward_right = true;
  for (const auto& [name, want] : *reference_plus) {
    auto got = f_plus->find(name);
    check.forward_right =
        check.forward_right && got != f_plus->end() &&
        CompareTensor(got->second, want, test.tolerance, test.floor).verdict == Verdict::kPassed;
  }
  return check;
}

bool GradientConsistent(const GradientCheck& check) {
  const double scale = std::fmax(std::fabs(check.numerical), std::fabs(check.analytic));
  return std::fabs(check.numerical - check.analytic) <=
         kRelativeAgreement * std::fmax(scale, 1e-300);
}

std::optional<Diagnosis> GradientDiagnosis(const GradientCheck& check, const EntrySpec& backward) {
  if (!backward.gradient_of) return std::nullopt;
  const std::string& forward = backward.gradient_of->forward;
  Diagnosis d;
  if (GradientConsistent(check)) {
    if (check.forward_right) return std::nullopt;  // nothing to add
    d.pattern = "forward_wrong";
    d.detail = "your " + backward.name + " is consistent with your own " + forward +
               " (numerical gradient check), but " + forward +
               " itself is wrong: fix the forward pass first";
  } else {
    d.pattern = "gradient_inconsistent";
    d.detail = "your " + backward.name +
               " does not match a numerical gradient (central "
               "differences) of your own " +
               forward + ", " +
               (check.forward_right ? "which is right: the backward pass is wrong"
                                    : "and " + forward + " is wrong too");
  }
  return d;
}

void CheckGradients(const ProblemSpec& problem, const reference::ProblemCode& code,
                    const std::string& binary, const GradeContext& context,
                    const std::vector<TestEvidence>& evidence, GradeResult* result) {
  for (size_t i = 0; i < problem.tests.size() && i < evidence.size(); ++i) {
    TestResult& t = result->tests[i];
    if (t.verdict == Verdict::kPassed || t.diagnosis || !evidence[i].has_reference) continue;
    const EntrySpec* entry = problem.FindEntry(problem.tests[i].entry);
    if (entry == nullptr || !entry->gradient_of) continue;
    if (!evidence[i].outputs) continue;
    const std::string& forward = entry->gradient_of->forward;
    auto check = DirectionalCheck(
        problem, code, *entry, problem.tests[i], evidence[i].inputs, *evidence[i].outputs,
        [&](const Tensors& x) { return RunEntry(binary, problem, forward, x, context); });
    if (check) t.diagnosis = GradientDiagnosis(*check, *entry);
  }
}

}  // namespace grader
