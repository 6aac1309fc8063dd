// Ignores the mode: applies the random mask (and its scaling) at evaluation too.
#include <Eigen/Dense>

Eigen::MatrixXd dropout_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U, double p,
                                bool train) {
  (void)train;
  return (X.array() * (U.array() < p).cast<double>() / p).matrix();
}

Eigen::MatrixXd dropout_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& U, double p) {
  return (dY.array() * (U.array() < p).cast<double>() / p).matrix();
}
