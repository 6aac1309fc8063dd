// Treats its input as if it were already the activation and applies σ again: σ(σ(z)).
#include <Eigen/Dense>

Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z) {
  return Z.unaryExpr([](double z) {
    return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
  });
}

Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  const Eigen::MatrixXd A = sigmoid_forward(Z);
  const Eigen::ArrayXXd s = sigmoid_forward(A).array();
  return (dA.array() * s * (1.0 - s)).matrix();
}
