// Decays by λw instead of lr·λw.
#include <Eigen/Dense>
#include <cmath>

AdamWStepResult adamw_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                           const AdamWState& state, const AdamWConfig& c) {
  AdamWStepResult r;
  r.state.t = state.t + 1;
  r.state.m = c.beta1 * state.m + (1.0 - c.beta1) * g;
  r.state.v = c.beta2 * state.v.array() + (1.0 - c.beta2) * g.array().square();
  const Eigen::ArrayXXd m_hat = r.state.m.array() / (1.0 - std::pow(c.beta1, r.state.t));
  const Eigen::ArrayXXd v_hat = r.state.v.array() / (1.0 - std::pow(c.beta2, r.state.t));
  r.w = w.array() - c.lr * m_hat / (v_hat.sqrt() + c.eps) - c.weight_decay * w.array();
  return r;
}
