// gelu_forward: Y = ½ x (1 + tanh(√(2/π)(x + 0.044715 x³)));  gelu_backward: dX = dY ⊙ Y'(x).
#include <Eigen/Dense>

Eigen::MatrixXd gelu_forward(const Eigen::MatrixXd& X) {
  // TODO
  return Eigen::MatrixXd::Zero(X.rows(), X.cols());
}

Eigen::MatrixXd gelu_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY) {
  // TODO
  (void)dY;
  return Eigen::MatrixXd::Zero(X.rows(), X.cols());
}
