// Forgets the learning rate: w − g.
#include <Eigen/Dense>

Eigen::MatrixXd sgd_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, double lr) {
  (void)lr;
  return w - g;
}
