// Swaps the weights of the moving average: s ← (1 − ρ)s + ρ g².
#include <Eigen/Dense>

RmspropStepResult rmsprop_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                               const RmspropState& state, const RmspropConfig& config) {
  RmspropStepResult r;
  r.state.s = (1.0 - config.rho) * state.s.array() + config.rho * g.array().square();
  r.w = w.array() - config.lr * g.array() / (r.state.s.array().sqrt() + config.eps);
  return r;
}
