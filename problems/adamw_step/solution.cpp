#include <Eigen/Dense>
#include <cmath>

AdamWStepResult adamw_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                           const AdamWState& state, const AdamWConfig& c) {
  AdamWStepResult r;
  r.state.t = state.t + 1;
  r.state.m = c.beta1 * state.m + (1.0 - c.beta1) * g;
  r.state.v = c.beta2 * state.v.array() + (1.0 - c.beta2) * g.array().square();
  const double bc1 = 1.0 - std::pow(c.beta1, r.state.t);
  const double bc2 = 1.0 - std::pow(c.beta2, r.state.t);
  Eigen::MatrixXd decayed = w * (1.0 - c.lr * c.weight_decay);  // PyTorch order: decay first
  r.w = decayed.array() - c.lr * (r.state.m.array() / bc1) /
                              ((r.state.v.array() / bc2).sqrt() + c.eps);
  return r;
}
