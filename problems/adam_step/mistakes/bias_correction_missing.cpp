// Steps with the raw moments m and v, without dividing by (1 − β^t).
#include <Eigen/Dense>

AdamStepResult adam_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                         const AdamState& state, const AdamConfig& c) {
  AdamStepResult r;
  r.state.t = state.t + 1;
  r.state.m = c.beta1 * state.m + (1.0 - c.beta1) * g;
  r.state.v = c.beta2 * state.v.array() + (1.0 - c.beta2) * g.array().square();
  r.w = w.array() - c.lr * r.state.m.array() / (r.state.v.array().sqrt() + c.eps);
  return r;
}
