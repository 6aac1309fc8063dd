#include "reference/optimizers.h"

#include <cmath>

namespace reference {

// w ← w − lr·g   (CS231n sgd).   w, g: R×C
Eigen::MatrixXd Sgd::sgd_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, double lr) {
  return w - lr * g;
}

// v ← μv − lr·g;  w ← w + v   (CS231n sgd_momentum).   w, g, v: R×C
MomentumStepResult Momentum::momentum_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                           const MomentumState& state, double lr, double mu) {
  const Eigen::MatrixXd& v = state.velocity;
  MomentumStepResult r;
  r.state.velocity = mu * v - lr * g;
  r.w = w + r.state.velocity;
  return r;
}

// s ← ρs + (1−ρ) g⊙g;  w ← w − lr·g ⊘ (√s + ε)   (CS231n rmsprop).   w, g, s: R×C
RmspropStepResult Rmsprop::rmsprop_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& config) {
  const double rho = config.rho, lr = config.lr, eps = config.eps;
  RmspropStepResult r;
  r.state.s = (rho * state.s.array() + (1.0 - rho) * g.array().square()).matrix();
  r.w = (w.array() - lr * g.array() / (r.state.s.array().sqrt() + eps)).matrix();
  return r;
}

namespace {

// The Adam moments after one more step (Kingma & Ba 2015, Algorithm 1):
// t ← t+1; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g⊙g; returns lr·m̂ ⊘ (√v̂ + ε) in `step`.
template <class State>
State AdamMoments(const Eigen::MatrixXd& g, const State& state, double lr, double beta1,
                  double beta2, double eps, Eigen::MatrixXd* step) {
  State next;
  next.t = state.t + 1;
  next.m = beta1 * state.m + (1.0 - beta1) * g;
  next.v = (beta2 * state.v.array() + (1.0 - beta2) * g.array().square()).matrix();
  // m̂ = m / (1 − β1^t),  v̂ = v / (1 − β2^t)
  const double t = static_cast<double>(next.t);
  const Eigen::ArrayXXd m_hat = next.m.array() / (1.0 - std::pow(beta1, t));
  const Eigen::ArrayXXd v_hat = next.v.array() / (1.0 - std::pow(beta2, t));
  *step = (lr * m_hat / (v_hat.sqrt() + eps)).matrix();
  return next;
}

}  // namespace

// w ← w − lr·m̂ ⊘ (√v̂ + ε).   w, g, m, v: R×C
AdamStepResult Adam::adam_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                               const AdamState& state, const AdamConfig& c) {
  AdamStepResult r;
  Eigen::MatrixXd step;
  r.state = AdamMoments(g, state, c.lr, c.beta1, c.beta2, c.eps, &step);
  r.w = w - step;
  return r;
}

// w ← w − lr·(m̂ ⊘ (√v̂ + ε) + λw)   (Loshchilov & Hutter 2019, Algorithm 2; torch AdamW).
AdamWStepResult AdamW::adamw_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                  const AdamWState& state, const AdamWConfig& c) {
  AdamWStepResult r;
  Eigen::MatrixXd step;
  r.state = AdamMoments(g, state, c.lr, c.beta1, c.beta2, c.eps, &step);
  r.w = w - step - c.lr * c.weight_decay * w;
  return r;
}

// total = √Σ_k ‖G_k‖²_F;  G_k ← G_k · max_norm/total when total > max_norm.
ClipResult ClipGradNorm::clip_grad_norm(const std::vector<Eigen::MatrixXd>& grads,
                                        double max_norm) {
  double sum_sq = 0.0;
  for (const Eigen::MatrixXd& g : grads) sum_sq += g.squaredNorm();
  ClipResult r{grads, std::sqrt(sum_sq)};
  if (r.total_norm > max_norm) {
    const double scale = max_norm / r.total_norm;
    for (Eigen::MatrixXd& g : r.grads) g *= scale;
  }
  return r;
}

// s < W: lr_max·s/W;  W ≤ s ≤ T: lr_min + ½(lr_max − lr_min)(1 + cos(π(s−W)/(T−W)));
// s > T: lr_min.
double CosineSchedule::lr_at(int step, const LrSchedule& schedule) {
  const double s = step, W = schedule.warmup_steps, T = schedule.total_steps;
  if (s < W) return schedule.lr_max * s / W;
  if (s > T) return schedule.lr_min;
  const double progress = (s - W) / (T - W);
  return schedule.lr_min +
         0.5 * (schedule.lr_max - schedule.lr_min) * (1.0 + std::cos(M_PI * progress));
}

}  // namespace reference
