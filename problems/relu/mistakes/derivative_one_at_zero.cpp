// Uses Z >= 0 for the mask: the derivative at exactly zero becomes 1.
#include <Eigen/Dense>

Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z.cwiseMax(0.0); }

Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  return (Z.array() >= 0).select(dA.array(), 0.0).matrix();
}
