// rmsprop_step: s ← ρs + (1−ρ)g²;  w ← w − lr·g / (√s + ε). Return new weights and state.
// Declared for you: RmspropState { MatrixXd s; }, RmspropConfig { lr, rho, eps },
//                   RmspropStepResult { MatrixXd w; RmspropState state; }.
#include <Eigen/Dense>

RmspropStepResult rmsprop_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                               const RmspropState& state, const RmspropConfig& config) {
  // TODO
  (void)g;
  (void)config;
  return {w, state};
}
