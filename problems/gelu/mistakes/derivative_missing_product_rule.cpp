// Differentiates ½ x (1 + t) as if t did not depend on x: only ½ (1 + t) survives.
#include <Eigen/Dense>
#include <cmath>

static double Tanh(double x) { return std::tanh(std::sqrt(2.0 / M_PI) * (x + 0.044715 * x * x * x)); }

Eigen::MatrixXd gelu_forward(const Eigen::MatrixXd& X) {
  return X.unaryExpr([](double x) { return 0.5 * x * (1.0 + Tanh(x)); });
}

Eigen::MatrixXd gelu_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY) {
  return (dY.array() * X.unaryExpr([](double x) { return 0.5 * (1.0 + Tanh(x)); }).array()).matrix();
}
