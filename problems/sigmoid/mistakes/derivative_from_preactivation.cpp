// Uses Z ⊙ (1 − Z) as the derivative: the formula s(1 − s) applied to the pre-activation.
#include <Eigen/Dense>

Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z) {
  return Z.unaryExpr([](double z) {
    return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
  });
}

Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  return (dA.array() * Z.array() * (1.0 - Z.array())).matrix();
}
