// Takes the mask from the upstream gradient dA instead of from the input Z.
#include <Eigen/Dense>

Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z.cwiseMax(0.0); }

Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  (void)Z;
  return (dA.array() > 0).select(dA.array(), 0.0).matrix();
}
