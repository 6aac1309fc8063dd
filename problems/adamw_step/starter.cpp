// adamw_step: Adam on g (t ← t+1 first), then w ← w − lr·(m̂/(√v̂ + ε) + λw).
// Declared for you: AdamWState { MatrixXd m, v; int t; },
//   AdamWConfig { lr, beta1, beta2, eps, weight_decay }, AdamWStepResult { MatrixXd w; AdamWState state; }.
#include <Eigen/Dense>

AdamWStepResult adamw_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                           const AdamWState& state, const AdamWConfig& config) {
  // TODO
  (void)g;
  (void)config;
  return {w, state};
}
