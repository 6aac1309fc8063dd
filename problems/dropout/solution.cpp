#include <Eigen/Dense>

static Eigen::MatrixXd Mask(const Eigen::MatrixXd& U, double p) {
  return ((U.array() < p).cast<double>() / p).matrix();
}

Eigen::MatrixXd dropout_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U, double p,
                                bool train) {
  if (!train) return X;
  return X.cwiseProduct(Mask(U, p));
}

Eigen::MatrixXd dropout_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& U, double p) {
  return dY.cwiseProduct(Mask(U, p));
}
