// Moves along the gradient (ascent) instead of against it.
#include <Eigen/Dense>

Eigen::MatrixXd sgd_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, double lr) {
  return w + lr * g;
}
