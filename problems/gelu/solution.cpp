#include <Eigen/Dense>
#include <cmath>

namespace {
const double kC = std::sqrt(2.0 / M_PI);
const double kK = 0.044715;
}  // namespace

Eigen::MatrixXd gelu_forward(const Eigen::MatrixXd& X) {
  return X.unaryExpr([](double x) { return 0.5 * x * (1.0 + std::tanh(kC * (x + kK * x * x * x))); });
}

Eigen::MatrixXd gelu_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY) {
  Eigen::MatrixXd dX(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    for (Eigen::Index j = 0; j < X.cols(); ++j) {
      const double x = X(i, j);
      const double t = std::tanh(kC * (x + kK * x * x * x));
      const double du = kC * (1.0 + 3.0 * kK * x * x);
      dX(i, j) = dY(i, j) * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du);
    }
  }
  return dX;
}
