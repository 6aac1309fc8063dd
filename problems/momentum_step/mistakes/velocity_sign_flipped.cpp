// Adds lr·g to the velocity and then adds the velocity: the weights climb the gradient.
#include <Eigen/Dense>

MomentumStepResult momentum_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                 const MomentumState& state, double lr, double mu) {
  MomentumStepResult r;
  r.state.velocity = mu * state.velocity + lr * g;
  r.w = w + r.state.velocity;
  return r;
}
