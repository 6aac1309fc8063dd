// Forgets the bias term entirely.
#include <Eigen/Dense>

Eigen::MatrixXd linear_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                               const Eigen::VectorXd& b) {
  (void)b;
  return X * W;
}
