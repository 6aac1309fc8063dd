// adamw_step's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>
#include <cmath>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::adamw_step {
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

struct AdamW {
  // w ← w − lr·(m̂ ⊘ (√v̂ + ε) + λw)   (Loshchilov & Hutter 2019, Algorithm 2; torch AdamW).
  static AdamWStepResult adamw_step(const MatrixXd& w, const MatrixXd& g, const AdamWState& state,
                                    const AdamWConfig& c) {
    AdamWStepResult r;
    MatrixXd step;
    r.state = AdamMoments(g, state, c.lr, c.beta1, c.beta2, c.eps, &step);
    r.w = w - step - c.lr * c.weight_decay * w;
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
struct AdamWMutant : AdamW {
  static AdamWStepResult adamw_step(const MatrixXd& w, const MatrixXd& g, const AdamWState& state,
                                    const AdamWConfig& c) {
    MatrixXd step;
    AdamWState next = AdamVariantStep(g, state, c.lr, c.beta1, c.beta2, c.eps, kVariant(), &step);
    return {w - step - c.lr * c.weight_decay * w, next};
  }
};

AdamVariant NoBiasCorrection() { return {.bias_correction = false}; }
AdamVariant IncrementAfterUse() { return {.increment_before_use = false}; }
AdamVariant EpsInsideSqrt() { return {.eps_inside_sqrt = true}; }

// Adam with L2: λw added to the gradient, so it passes through the moments.
struct Coupled : AdamW {
  static AdamWStepResult adamw_step(const MatrixXd& w, const MatrixXd& g, const AdamWState& state,
                                    const AdamWConfig& c) {
    AdamWConfig no_decay = c;
    no_decay.weight_decay = 0.0;
    return AdamW::adamw_step(w, g + c.weight_decay * w, state, no_decay);
  }
};
// The decay is λw, not lr·λw.
struct DecayNoLr : AdamW {
  static AdamWStepResult adamw_step(const MatrixXd& w, const MatrixXd& g, const AdamWState& state,
                                    const AdamWConfig& c) {
    AdamWStepResult r = AdamW::adamw_step(w, g, state, c);
    r.w += c.lr * c.weight_decay * w - c.weight_decay * w;
    return r;
  }
};

}  // namespace

GRADER_PACK(Call<AdamW>,
            {
                {"l2_added_to_gradient", reference::Guard<Call<Coupled>>},
                {"decay_not_scaled_by_lr", reference::Guard<Call<DecayNoLr>>},
                {"bias_correction_missing", reference::Guard<Call<AdamWMutant<&NoBiasCorrection>>>},
                {"eps_inside_sqrt", reference::Guard<Call<AdamWMutant<&EpsInsideSqrt>>>},
                {"t_not_incremented_before_use",
                 reference::Guard<Call<AdamWMutant<&IncrementAfterUse>>>},
            })

}  // namespace problems::adamw_step
