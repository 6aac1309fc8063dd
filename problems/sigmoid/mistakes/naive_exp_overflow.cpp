// Computes exp(z) / (1 + exp(z)) directly: inf / inf = NaN once z exceeds about 709.
#include <Eigen/Dense>

Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z) {
  const Eigen::ArrayXXd e = Z.array().exp();
  return (e / (1.0 + e)).matrix();
}

Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  const Eigen::ArrayXXd s = 1.0 / (1.0 + (-Z.array()).exp());
  return (dA.array() * s * (1.0 - s)).matrix();
}
