// Moves the weights with the velocity it was given, then updates the velocity.
#include <Eigen/Dense>

MomentumStepResult momentum_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                 const MomentumState& state, double lr, double mu) {
  MomentumStepResult r;
  r.w = w + state.velocity;
  r.state.velocity = mu * state.velocity - lr * g;
  return r;
}
