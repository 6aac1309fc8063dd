// tanh_forward: A = tanh(Z);  tanh_backward: dZ = dA ⊙ (1 − tanh(Z)²).
#include <Eigen/Dense>

Eigen::MatrixXd tanh_forward(const Eigen::MatrixXd& Z) {
  // TODO
  return Eigen::MatrixXd::Zero(Z.rows(), Z.cols());
}

Eigen::MatrixXd tanh_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  // TODO
  (void)dA;
  return Eigen::MatrixXd::Zero(Z.rows(), Z.cols());
}
