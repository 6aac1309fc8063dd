// momentum_step: v ← μv − lr·g;  w ← w + v. Return the new weights and the new state.
// Declared for you: struct MomentumState { MatrixXd velocity; };
//                   struct MomentumStepResult { MatrixXd w; MomentumState state; };
#include <Eigen/Dense>

MomentumStepResult momentum_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                 const MomentumState& state, double lr, double mu) {
  // TODO
  (void)g;
  (void)lr;
  (void)mu;
  return {w, state};
}
