// Drops units at training time but does not scale the kept ones by 1/p.
#include <Eigen/Dense>

Eigen::MatrixXd dropout_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U, double p,
                                bool train) {
  if (!train) return X;
  return (X.array() * (U.array() < p).cast<double>()).matrix();
}

Eigen::MatrixXd dropout_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& U, double p) {
  return (dY.array() * (U.array() < p).cast<double>() / p).matrix();
}
