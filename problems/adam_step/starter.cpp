// adam_step: t ← t+1; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
//            m̂ = m/(1−β1^t); v̂ = v/(1−β2^t); w ← w − lr·m̂/(√v̂ + ε).
// Declared for you: AdamState { MatrixXd m, v; int t; }, AdamConfig { lr, beta1, beta2, eps },
//                   AdamStepResult { MatrixXd w; AdamState state; }.
#include <Eigen/Dense>

AdamStepResult adam_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                         const AdamState& state, const AdamConfig& config) {
  // TODO
  (void)g;
  (void)config;
  return {w, state};
}
