// Puts ε inside the square root: √(s + ε). Invisible for ordinary gradients, far off for tiny ones.
#include <Eigen/Dense>

RmspropStepResult rmsprop_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                               const RmspropState& state, const RmspropConfig& config) {
  RmspropStepResult r;
  r.state.s = config.rho * state.s.array() + (1.0 - config.rho) * g.array().square();
  r.w = w.array() - config.lr * g.array() / (r.state.s.array() + config.eps).sqrt();
  return r;
}
