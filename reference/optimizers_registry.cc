// Registration of the optimizers, gradient clipping and the learning-rate schedule with their
// mutants (docs/misconceptions.md): each mutant is the reference with one
// function replaced by a catalogued misconception.
#include <cmath>

#include "problems/adam_step/adapter.h"
#include "problems/adamw_step/adapter.h"
#include "problems/clip_grad_norm/adapter.h"
#include "problems/lr_schedule/adapter.h"
#include "problems/momentum_step/adapter.h"
#include "problems/rmsprop_step/adapter.h"
#include "problems/sgd_step/adapter.h"
#include "reference/groups.h"
#include "reference/optimizers.h"

namespace reference {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;

// --- sgd -------------------------------------------------------------------------------------

struct SgdSign : Sgd {
  static MatrixXd sgd_step(const MatrixXd& w, const MatrixXd& g, double lr) { return w + lr * g; }
};
struct SgdReturnsUpdate : Sgd {
  static MatrixXd sgd_step(const MatrixXd&, const MatrixXd& g, double lr) { return -lr * g; }
};
struct SgdNoLr : Sgd {
  static MatrixXd sgd_step(const MatrixXd& w, const MatrixXd& g, double) { return w - g; }
};

// --- momentum --------------------------------------------------------------------------------

struct MomentumSign : Momentum {  // v ← μv + lr·g; w ← w + v
  static MomentumStepResult momentum_step(const MatrixXd& w, const MatrixXd& g,
                                          const MomentumState& state, double lr, double mu) {
    MomentumState next{mu * state.velocity + lr * g};
    return {w + next.velocity, next};
  }
};
struct MomentumOldVelocity : Momentum {  // w moves with the old v
  static MomentumStepResult momentum_step(const MatrixXd& w, const MatrixXd& g,
                                          const MomentumState& state, double lr, double mu) {
    return {w + state.velocity, {mu * state.velocity - lr * g}};
  }
};
struct MomentumEma : Momentum {  // v ← μv + (1−μ)g; w ← w − lr·v
  static MomentumStepResult momentum_step(const MatrixXd& w, const MatrixXd& g,
                                          const MomentumState& state, double lr, double mu) {
    MomentumState next{mu * state.velocity + (1.0 - mu) * g};
    return {w - lr * next.velocity, next};
  }
};
struct MomentumStateNotReturned : Momentum {
  static MomentumStepResult momentum_step(const MatrixXd& w, const MatrixXd& g,
                                          const MomentumState& state, double lr, double mu) {
    return {Momentum::momentum_step(w, g, state, lr, mu).w, state};
  }
};

// --- rmsprop ---------------------------------------------------------------------------------

RmspropStepResult RmspropWith(const MatrixXd& w, const MatrixXd& g, const MatrixXd& s_new,
                              const ArrayXXd& denominator, double lr) {
  return {(w.array() - lr * g.array() / denominator).matrix(), {s_new}};
}
MatrixXd RmspropCache(const MatrixXd& g, const RmspropState& state, double rho) {
  return (rho * state.s.array() + (1.0 - rho) * g.array().square()).matrix();
}

struct RmspropEpsInside : Rmsprop {
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& c) {
    const MatrixXd s = RmspropCache(g, state, c.rho);
    return RmspropWith(w, g, s, (s.array() + c.eps).sqrt(), c.lr);
  }
};
struct RmspropNoSqrt : Rmsprop {
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& c) {
    const MatrixXd s = RmspropCache(g, state, c.rho);
    return RmspropWith(w, g, s, s.array() + c.eps, c.lr);
  }
};
struct RmspropSwapped : Rmsprop {  // s ← (1−ρ)s + ρg²
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& c) {
    const MatrixXd s = RmspropCache(g, state, 1.0 - c.rho);
    return RmspropWith(w, g, s, s.array().sqrt() + c.eps, c.lr);
  }
};
struct RmspropNotSquared : Rmsprop {  // g instead of g²
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& c) {
    const MatrixXd s = c.rho * state.s + (1.0 - c.rho) * g;
    return RmspropWith(w, g, s, s.array().sqrt() + c.eps, c.lr);
  }
};
struct RmspropStateNotReturned : Rmsprop {
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& c) {
    return {Rmsprop::rmsprop_step(w, g, state, c).w, state};
  }
};

// --- adam and adamw --------------------------------------------------------------------------

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
AdamVariant TNotStored() { return {.store_t = false}; }
AdamVariant TIncrementedTwice() { return {.store_t_twice_incremented = true}; }
AdamVariant EpsInsideSqrt() { return {.eps_inside_sqrt = true}; }
AdamVariant GradientNotSquared() { return {.square_gradient = false}; }
AdamVariant Beta1ForV() { return {.beta1_for_v = true}; }
AdamVariant NoSqrt() { return {.sqrt = false}; }

// Adam with L2: λw added to the gradient, so it passes through the moments.
struct AdamWCoupled : AdamW {
  static AdamWStepResult adamw_step(const MatrixXd& w, const MatrixXd& g, const AdamWState& state,
                                    const AdamWConfig& c) {
    AdamWConfig no_decay = c;
    no_decay.weight_decay = 0.0;
    return AdamW::adamw_step(w, g + c.weight_decay * w, state, no_decay);
  }
};
// The decay is λw, not lr·λw.
struct AdamWDecayNoLr : AdamW {
  static AdamWStepResult adamw_step(const MatrixXd& w, const MatrixXd& g, const AdamWState& state,
                                    const AdamWConfig& c) {
    AdamWStepResult r = AdamW::adamw_step(w, g, state, c);
    r.w += c.lr * c.weight_decay * w - c.weight_decay * w;
    return r;
  }
};

// --- clip_grad_norm --------------------------------------------------------------------------

double GlobalNorm(const std::vector<MatrixXd>& grads) {
  double sum_sq = 0.0;
  for (const MatrixXd& g : grads) sum_sq += g.squaredNorm();
  return std::sqrt(sum_sq);
}

struct ClipPerTensor : ClipGradNorm {
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    ClipResult r{{}, GlobalNorm(grads)};
    for (const MatrixXd& g : grads)
      r.grads.push_back(ClipGradNorm::clip_grad_norm({g}, max_norm).grads[0]);
    return r;
  }
};
struct ClipAlways : ClipGradNorm {
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    ClipResult r{grads, GlobalNorm(grads)};
    for (MatrixXd& g : r.grads) g *= max_norm / r.total_norm;
    return r;
  }
};
struct ClipByValue : ClipGradNorm {
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    ClipResult r{grads, GlobalNorm(grads)};
    for (MatrixXd& g : r.grads) g = g.cwiseMax(-max_norm).cwiseMin(max_norm);
    return r;
  }
};
struct ClipSquaredNorm : ClipGradNorm {  // Σ‖G‖² used as the norm
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    const double sum_sq = GlobalNorm(grads) * GlobalNorm(grads);
    ClipResult r{grads, sum_sq};
    if (sum_sq > max_norm) {
      for (MatrixXd& g : r.grads) g *= max_norm / sum_sq;
    }
    return r;
  }
};
// PyTorch's clip_grad_norm_ divides by total + 1e-6, which the statement rules out:
//   scale = max_norm / (total + 1e-6)  when total > max_norm
struct ClipNormPlusEpsilon : ClipGradNorm {
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    ClipResult r{grads, GlobalNorm(grads)};
    if (r.total_norm > max_norm) {
      for (MatrixXd& g : r.grads) g *= max_norm / (r.total_norm + 1e-6);
    }
    return r;
  }
};
struct ClipNormAfter : ClipGradNorm {  // reports the norm of the clipped gradients
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    ClipResult r = ClipGradNorm::clip_grad_norm(grads, max_norm);
    r.total_norm = GlobalNorm(r.grads);
    return r;
  }
};

// --- lr_schedule -----------------------------------------------------------------------------

double Cosine(const LrSchedule& s, double progress, double floor) {
  return floor + 0.5 * (s.lr_max - floor) * (1.0 + std::cos(M_PI * progress));
}

struct LrWarmupOffByOne : CosineSchedule {
  static double lr_at(int step, const LrSchedule& s) {
    if (step < s.warmup_steps) return s.lr_max * (step + 1) / s.warmup_steps;
    return CosineSchedule::lr_at(step, s);
  }
};
struct LrIntegerProgress : CosineSchedule {
  static double lr_at(int step, const LrSchedule& s) {
    if (step < s.warmup_steps || step > s.total_steps) return CosineSchedule::lr_at(step, s);
    return Cosine(s, (step - s.warmup_steps) / (s.total_steps - s.warmup_steps), s.lr_min);
  }
};
struct LrToZero : CosineSchedule {
  static double lr_at(int step, const LrSchedule& s) {
    if (step < s.warmup_steps || step > s.total_steps) return CosineSchedule::lr_at(step, s);
    return Cosine(s, static_cast<double>(step - s.warmup_steps) / (s.total_steps - s.warmup_steps),
                  0.0);
  }
};
struct LrProgressFromZero : CosineSchedule {
  static double lr_at(int step, const LrSchedule& s) {
    if (step < s.warmup_steps || step > s.total_steps) return CosineSchedule::lr_at(step, s);
    return Cosine(s, static_cast<double>(step) / s.total_steps, s.lr_min);
  }
};
struct LrRisesAfterEnd : CosineSchedule {
  static double lr_at(int step, const LrSchedule& s) {
    if (step <= s.total_steps) return CosineSchedule::lr_at(step, s);
    return Cosine(s, static_cast<double>(step - s.warmup_steps) / (s.total_steps - s.warmup_steps),
                  s.lr_min);
  }
};

const char kStateNotReturned[] =
    "Your optimizer state is not carried from one step to the next: you returned the state you "
    "were given instead of the updated one. Return the new state; the caller feeds it back in.";

}  // namespace

std::vector<ProblemCode> OptimizerProblems() {
  return {
      {"sgd_step",
       &problems::sgd_step::Call<Sgd>,
       {
           {"sign_flipped",
            "sgd_sequence",
            {"sign"},
            "Your weights move along the gradient, which increases the loss. Gradient descent "
            "subtracts: w − lr·g.",
            &problems::sgd_step::Call<SgdSign>},
           {"returns_update_not_weights",
            "sgd_sequence",
            {"optimizer-state"},
            "You returned the update −lr·g instead of the new weights. Return w − lr·g.",
            &problems::sgd_step::Call<SgdReturnsUpdate>},
           {"lr_not_applied",
            "sgd_sequence",
            {"optimizer-state"},
            "Your step ignores the learning rate: multiply the gradient by lr before subtracting.",
            &problems::sgd_step::Call<SgdNoLr>},
       }},
      {"momentum_step",
       &problems::momentum_step::Call<Momentum>,
       {
           {"velocity_sign_flipped",
            "momentum_sequence",
            {"sign"},
            "Your weights climb the gradient: with w ← w + v the velocity must accumulate −lr·g "
            "(v ← μv − lr·g), not +lr·g.",
            &problems::momentum_step::Call<MomentumSign>},
           {"weights_updated_with_old_velocity",
            "momentum_sequence",
            {"optimizer-state"},
            "You moved the weights with the velocity from the previous step (so the first step "
            "does not move at all). Update v first, then w ← w + v with the new v.",
            &problems::momentum_step::Call<MomentumOldVelocity>},
           {"ema_velocity",
            "momentum_sequence",
            {"optimizer-state"},
            "You averaged the gradients, v ← μv + (1−μ)g, which shrinks every step by (1−μ). "
            "Classical momentum accumulates the full gradient: v ← μv − lr·g, w ← w + v.",
            &problems::momentum_step::Call<MomentumEma>},
           {"state_not_returned",
            "momentum_sequence",
            {"optimizer-state"},
            kStateNotReturned,
            &problems::momentum_step::Call<MomentumStateNotReturned>},
       }},
      {"rmsprop_step",
       &problems::rmsprop_step::Call<Rmsprop>,
       {
           {"eps_inside_sqrt",
            "rmsprop_sequence",
            {"optimizer-state"},
            "You put ε inside the square root, √(s + ε). The convention is √s + ε; the two differ "
            "a lot when gradients are small (|g| ≲ √ε).",
            &problems::rmsprop_step::Call<RmspropEpsInside>},
           {"sqrt_missing",
            "rmsprop_sequence",
            {"optimizer-state"},
            "You divided by the mean square s instead of its square root: the step is "
            "lr·g/(√s + ε).",
            &problems::rmsprop_step::Call<RmspropNoSqrt>},
           {"decay_weights_swapped",
            "rmsprop_sequence",
            {"optimizer-state"},
            "Your moving average weights are swapped: the old cache keeps the factor ρ and the "
            "new squared gradient gets (1 − ρ): s ← ρs + (1 − ρ)g².",
            &problems::rmsprop_step::Call<RmspropSwapped>},
           {"gradient_not_squared",
            "rmsprop_sequence",
            {"optimizer-state"},
            "Your cache averages g instead of g², so it can go negative and its square root is "
            "NaN. Average the squared gradients.",
            &problems::rmsprop_step::Call<RmspropNotSquared>},
           {"state_not_returned",
            "rmsprop_sequence",
            {"optimizer-state"},
            kStateNotReturned,
            &problems::rmsprop_step::Call<RmspropStateNotReturned>},
       }},
      {"adam_step",
       &problems::adam_step::Call<Adam>,
       {
           {"bias_correction_missing",
            "adam_sequence",
            {"adam-bias-correction"},
            "You stepped with the raw moments m and v. They start at zero and are biased towards "
            "it; divide by (1 − β1^t) and (1 − β2^t) before the step.",
            &problems::adam_step::Call<AdamMutant<&NoBiasCorrection>>},
           {"t_not_incremented_before_use",
            "adam_sequence",
            {"adam-bias-correction"},
            "Your first step divides by 1 − β^0 = 0: increment t before using it in the bias "
            "correction, so the first step uses t = 1.",
            &problems::adam_step::Call<AdamMutant<&IncrementAfterUse>>},
           {"t_not_stored",
            "adam_sequence",
            {"optimizer-state"},
            "The step count you return does not advance, so every step is corrected as if it "
            "were the first. Store the incremented t in the returned state.",
            &problems::adam_step::Call<AdamMutant<&TNotStored>>},
           {"t_incremented_twice",
            "adam_sequence",
            {"optimizer-state"},
            "Your step count advances by 2 per step (incremented once before use and once more "
            "when stored), so later steps are corrected with the wrong t. Increment t once.",
            &problems::adam_step::Call<AdamMutant<&TIncrementedTwice>>},
           {"eps_inside_sqrt",
            "adam_sequence",
            {"optimizer-state"},
            "You put ε inside the square root, √(v̂ + ε). Adam uses √v̂ + ε; the two differ a lot "
            "when gradients are small (|g| ≲ √ε).",
            &problems::adam_step::Call<AdamMutant<&EpsInsideSqrt>>},
           {"gradient_not_squared",
            "adam_sequence",
            {"optimizer-state"},
            "Your second moment averages g instead of g ⊙ g; it can go negative and its root is "
            "NaN.",
            &problems::adam_step::Call<AdamMutant<&GradientNotSquared>>},
           {"beta1_for_second_moment",
            "adam_sequence",
            {"optimizer-state"},
            "Your second moment decays with β1. The first moment uses β1, the second β2 (also "
            "in its bias correction).",
            &problems::adam_step::Call<AdamMutant<&Beta1ForV>>},
           {"sqrt_missing",
            "adam_sequence",
            {"optimizer-state"},
            "You divided by v̂ instead of √v̂: the step is lr·m̂/(√v̂ + ε).",
            &problems::adam_step::Call<AdamMutant<&NoSqrt>>},
       }},
      {"adamw_step",
       &problems::adamw_step::Call<AdamW>,
       {
           {"l2_added_to_gradient",
            "adamw_sequence",
            {"regularization"},
            "You added λw to the gradient: that is Adam with L2 regularisation, where the decay "
            "is rescaled by 1/(√v̂ + ε). AdamW decays the weights directly: w ← w − lr·λ·w, "
            "and the moments see the loss gradient only.",
            &problems::adamw_step::Call<AdamWCoupled>},
           {"decay_not_scaled_by_lr",
            "adamw_sequence",
            {"regularization"},
            "Your decay is λw. In AdamW (and torch.optim.AdamW) it is scaled by the learning "
            "rate: w ← w − lr·λ·w.",
            &problems::adamw_step::Call<AdamWDecayNoLr>},
           {"bias_correction_missing",
            "adamw_sequence",
            {"adam-bias-correction"},
            "You stepped with the raw moments m and v. Divide by (1 − β1^t) and (1 − β2^t) "
            "before the step.",
            &problems::adamw_step::Call<AdamWMutant<&NoBiasCorrection>>},
           {"eps_inside_sqrt",
            "adamw_sequence",
            {"optimizer-state"},
            "You put ε inside the square root, √(v̂ + ε); the convention is √v̂ + ε.",
            &problems::adamw_step::Call<AdamWMutant<&EpsInsideSqrt>>},
           {"t_not_incremented_before_use",
            "adamw_sequence",
            {"adam-bias-correction"},
            "Your first step divides by 1 − β^0 = 0: increment t before using it.",
            &problems::adamw_step::Call<AdamWMutant<&IncrementAfterUse>>},
       }},
      {"clip_grad_norm",
       &problems::clip_grad_norm::Call<ClipGradNorm>,
       {
           {"per_tensor_norm",
            "clip_grad_norm",
            {"gradient-clipping"},
            "You clipped each tensor by its own norm. Clipping uses one global norm over all "
            "tensors and scales all of them by the same factor, which keeps the direction.",
            &problems::clip_grad_norm::Call<ClipPerTensor>},
           {"always_rescaled",
            "clip_grad_norm",
            {"gradient-clipping"},
            "You rescaled the gradients even when their norm was already below max_norm. Only "
            "scale when total > max_norm.",
            &problems::clip_grad_norm::Call<ClipAlways>},
           {"clipped_elementwise",
            "clip_grad_norm",
            {"gradient-clipping"},
            "You clamped each entry to [−max_norm, max_norm] (clipping by value). Clipping by "
            "norm scales every gradient by max_norm/total.",
            &problems::clip_grad_norm::Call<ClipByValue>},
           {"norm_not_square_rooted",
            "clip_grad_norm",
            {"gradient-clipping"},
            "Your norm is the sum of squares; take its square root.",
            &problems::clip_grad_norm::Call<ClipSquaredNorm>},
           {"norm_reported_after_clipping",
            "clip_grad_norm",
            {"gradient-clipping"},
            "You returned the norm after clipping. Return the norm before clipping (what "
            "training logs monitor).",
            &problems::clip_grad_norm::Call<ClipNormAfter>},
           {"norm_plus_epsilon",
            "clip_grad_norm",
            {"gradient-clipping"},
            "You divided by total + 1e-6 (as PyTorch does). This problem uses the exact scale "
            "max_norm / total; the 1e-6 shows when the total norm is small.",
            &problems::clip_grad_norm::Call<ClipNormPlusEpsilon>},
       }},
      {"lr_schedule",
       &problems::lr_schedule::Call<CosineSchedule>,
       {
           {"warmup_off_by_one",
            "lr_schedule",
            {"lr-schedule"},
            "Your warm-up uses (s + 1)/W, so it never starts at 0 and reaches lr_max a step "
            "early. Use lr_max·s/W for s < W.",
            &problems::lr_schedule::Call<LrWarmupOffByOne>},
           {"integer_division_progress",
            "lr_schedule",
            {"cpp-numerics"},
            "Your cosine never moves: (s − W)/(T − W) with int operands is an integer division "
            "and truncates to 0. Convert to double before dividing.",
            &problems::lr_schedule::Call<LrIntegerProgress>},
           {"decays_to_zero_not_floor",
            "lr_schedule",
            {"lr-schedule"},
            "Your cosine decays to 0 instead of to lr_min: use lr_min + ½(lr_max − lr_min)"
            "(1 + cos(π·progress)).",
            &problems::lr_schedule::Call<LrToZero>},
           {"progress_ignores_warmup",
            "lr_schedule",
            {"lr-schedule"},
            "Your cosine progress is s/T. It starts after the warm-up: (s − W)/(T − W), so the "
            "decay starts from lr_max at s = W.",
            &problems::lr_schedule::Call<LrProgressFromZero>},
           {"cosine_rises_after_end",
            "lr_schedule",
            {"lr-schedule"},
            "After total_steps your learning rate rises again along the cosine. Hold it at "
            "lr_min for s > T.",
            &problems::lr_schedule::Call<LrRisesAfterEnd>},
       }},
  };
}

}  // namespace reference
