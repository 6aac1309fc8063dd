// The PyTorch form: the velocity accumulates raw gradients and lr scales the step. With a
// constant lr it produces the same weights as v ← μv − lr·g, w ← w + v.
#include <Eigen/Dense>

MomentumStepResult momentum_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                 const MomentumState& state, double lr, double mu) {
  MomentumStepResult r;
  r.state.velocity = mu * state.velocity + g;
  r.w = w - lr * r.state.velocity;
  return r;
}
