// Returns the update −lr·g instead of the updated weights.
#include <Eigen/Dense>

Eigen::MatrixXd sgd_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, double lr) {
  (void)w;
  return -lr * g;
}
