// Uses an exponential moving average of the gradients, v ← μv + (1 − μ)g, w ← w − lr·v
// (another course's convention), which shrinks every step by (1 − μ).
#include <Eigen/Dense>

MomentumStepResult momentum_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                 const MomentumState& state, double lr, double mu) {
  MomentumStepResult r;
  r.state.velocity = mu * state.velocity + (1.0 - mu) * g;
  r.w = w - lr * r.state.velocity;
  return r;
}
