// Confuses ReLU with the absolute value in the forward pass.
#include <Eigen/Dense>

Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z.cwiseAbs(); }

Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  return (Z.array() > 0).select(dA.array(), 0.0).matrix();
}
