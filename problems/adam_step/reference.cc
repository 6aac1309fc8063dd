// adam_step's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>
#include <cmath>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::adam_step {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;

// The Adam moments after one more step (Kingma & Ba 2015, Algorithm 1):
// t ← t+1; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g⊙g; returns lr·m̂ ⊘ (√v̂ + ε) in `step`.
template <class State>
State AdamMoments(const MatrixXd& g, const State& state, double lr, double beta1, double beta2,
                  double eps, MatrixXd* step) {
  State next;
  next.t = state.t + 1;
  next.m = beta1 * state.m + (1.0 - beta1) * g;
  next.v = (beta2 * state.v.array() + (1.0 - beta2) * g.array().square()).matrix();
  // m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)
  const double t = static_cast<double>(next.t);
  const ArrayXXd m_hat = next.m.array() / (1.0 - std::pow(beta1, t));
  const ArrayXXd v_hat = next.v.array() / (1.0 - std::pow(beta2, t));
  *step = (lr * m_hat / (v_hat.sqrt() + eps)).matrix();
  return next;
}

struct Adam {
  // w ← w − lr·m̂ ⊘ (√v̂ + ε).   w, g, m, v: R×C
  static AdamStepResult adam_step(const MatrixXd& w, const MatrixXd& g, const AdamState& state,
                                  const AdamConfig& c) {
    AdamStepResult r;
    MatrixXd step;
    r.state = AdamMoments(g, state, c.lr, c.beta1, c.beta2, c.eps, &step);
    r.w = w - step;
    return r;
  }
};

// One Adam step with the misconceptions as switches, so each mutant states only what differs.
struct AdamVariant {
  bool bias_correction = true;
  bool increment_before_use = true;
  bool store_t = true;
  bool store_t_twice_incremented = false;
  bool eps_inside_sqrt = false;
  bool square_gradient = true;
  bool beta1_for_v = false;
  bool sqrt = true;
};

template <class State>
State AdamVariantStep(const MatrixXd& g, const State& state, double lr, double beta1, double beta2,
                      double eps, const AdamVariant& variant, MatrixXd* step) {
  State next;
  next.t = state.t + 1;
  const double t = variant.increment_before_use ? next.t : state.t;
  const double b2 = variant.beta1_for_v ? beta1 : beta2;
  next.m = beta1 * state.m + (1.0 - beta1) * g;
  next.v = (b2 * state.v.array() +
            (1.0 - b2) * (variant.square_gradient ? ArrayXXd(g.array().square()) : g.array()))
               .matrix();
  ArrayXXd m_hat = next.m.array(), v_hat = next.v.array();
  if (variant.bias_correction) {
    m_hat /= 1.0 - std::pow(beta1, t);
    v_hat /= 1.0 - std::pow(b2, t);
  }
  ArrayXXd denominator = v_hat + eps;
  if (variant.eps_inside_sqrt) denominator = (v_hat + eps).sqrt();
  if (variant.sqrt && !variant.eps_inside_sqrt) denominator = v_hat.sqrt() + eps;
  *step = (lr * m_hat / denominator).matrix();
  if (!variant.store_t) next.t = state.t;
  if (variant.store_t_twice_incremented) next.t = state.t + 2;
  return next;
}

template <AdamVariant (*kVariant)()>
struct AdamMutant : Adam {
  static AdamStepResult adam_step(const MatrixXd& w, const MatrixXd& g, const AdamState& state,
                                  const AdamConfig& c) {
    MatrixXd step;
    AdamState next = AdamVariantStep(g, state, c.lr, c.beta1, c.beta2, c.eps, kVariant(), &step);
    return {w - step, next};
  }
};

AdamVariant NoBiasCorrection() { return {.bias_correction = false}; }
AdamVariant IncrementAfterUse() { return {.increment_before_use = false}; }
AdamVariant TNotStored() { return {.store_t = false}; }
AdamVariant TIncrementedTwice() { return {.store_t_twice_incremented = true}; }
AdamVariant EpsInsideSqrt() { return {.eps_inside_sqrt = true}; }
AdamVariant GradientNotSquared() { return {.square_gradient = false}; }
AdamVariant Beta1ForV() { return {.beta1_for_v = true}; }
AdamVariant NoSqrt() { return {.sqrt = false}; }

}  // namespace

GRADER_PACK(Call<Adam>,
            {
                {"bias_correction_missing", reference::Guard<Call<AdamMutant<&NoBiasCorrection>>>},
                {"t_not_incremented_before_use",
                 reference::Guard<Call<AdamMutant<&IncrementAfterUse>>>},
                {"t_not_stored", reference::Guard<Call<AdamMutant<&TNotStored>>>},
                {"t_incremented_twice", reference::Guard<Call<AdamMutant<&TIncrementedTwice>>>},
                {"eps_inside_sqrt", reference::Guard<Call<AdamMutant<&EpsInsideSqrt>>>},
                {"gradient_not_squared", reference::Guard<Call<AdamMutant<&GradientNotSquared>>>},
                {"beta1_for_second_moment", reference::Guard<Call<AdamMutant<&Beta1ForV>>>},
                {"sqrt_missing", reference::Guard<Call<AdamMutant<&NoSqrt>>>},
            })

}  // namespace problems::adam_step
