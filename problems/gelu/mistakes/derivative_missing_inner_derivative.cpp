// Stops the chain rule at tanh: uses du/dx = √(2/π) and forgets the 3·0.044715·x² term.
#include <Eigen/Dense>
#include <cmath>

Eigen::MatrixXd gelu_forward(const Eigen::MatrixXd& X) {
  const double c = std::sqrt(2.0 / M_PI);
  const Eigen::ArrayXXd x = X.array();
  return (0.5 * x * (1.0 + (c * (x + 0.044715 * x.cube())).tanh())).matrix();
}

Eigen::MatrixXd gelu_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY) {
  const double c = std::sqrt(2.0 / M_PI);
  const Eigen::ArrayXXd x = X.array();
  const Eigen::ArrayXXd t = (c * (x + 0.044715 * x.cube())).tanh();
  return (dY.array() * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t.square()) * c)).matrix();
}
