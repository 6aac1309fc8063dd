#include <Eigen/Dense>
#include <cmath>

static double Sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z) { return Z.unaryExpr(&Sigmoid); }

Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  const Eigen::ArrayXXd s = sigmoid_forward(Z).array();
  return (dA.array() * s * (1.0 - s)).matrix();
}
