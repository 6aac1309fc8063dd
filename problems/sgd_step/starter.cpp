// sgd_step: return the new weights w − lr·g.
#include <Eigen/Dense>

Eigen::MatrixXd sgd_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, double lr) {
  // TODO
  (void)g;
  (void)lr;
  return w;
}
