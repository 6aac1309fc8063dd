// Uses the old step count in the bias correction and increments it afterwards: at the first
// step 1 − β^0 = 0 and the division blows up.
#include <Eigen/Dense>
#include <cmath>

AdamStepResult adam_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                         const AdamState& state, const AdamConfig& c) {
  AdamStepResult r;
  r.state.m = c.beta1 * state.m + (1.0 - c.beta1) * g;
  r.state.v = c.beta2 * state.v.array() + (1.0 - c.beta2) * g.array().square();
  const Eigen::ArrayXXd m_hat = r.state.m.array() / (1.0 - std::pow(c.beta1, state.t));
  const Eigen::ArrayXXd v_hat = r.state.v.array() / (1.0 - std::pow(c.beta2, state.t));
  r.w = w.array() - c.lr * m_hat / (v_hat.sqrt() + c.eps);
  r.state.t = state.t + 1;
  return r;
}
