#include <Eigen/Dense>

Eigen::MatrixXd sgd_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, double lr) {
  Eigen::MatrixXd next = w;
  next -= lr * g;
  return next;
}
