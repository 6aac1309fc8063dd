// relu_forward: A = max(0, Z);  relu_backward: dZ = dA ⊙ 1[Z > 0]
#include <Eigen/Dense>

Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {
  // TODO
  return Eigen::MatrixXd::Zero(Z.rows(), Z.cols());
}

Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  // TODO
  (void)dA;
  return Eigen::MatrixXd::Zero(Z.rows(), Z.cols());
}
