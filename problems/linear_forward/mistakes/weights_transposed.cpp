// Treats W as M×D (PyTorch's nn.Linear layout) and multiplies by its transpose.
#include <Eigen/Dense>

Eigen::MatrixXd linear_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                               const Eigen::VectorXd& b) {
  Eigen::MatrixXd Y = X * W.transpose();
  return Y.rowwise() + b.transpose();
}
