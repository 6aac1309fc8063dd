#include <Eigen/Dense>
#include <cmath>

Eigen::MatrixXd tanh_forward(const Eigen::MatrixXd& Z) {
  return Z.unaryExpr([](double z) { return std::tanh(z); });
}

Eigen::MatrixXd tanh_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  Eigen::MatrixXd dZ(Z.rows(), Z.cols());
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    for (Eigen::Index j = 0; j < Z.cols(); ++j) {
      const double t = std::tanh(Z(i, j));
      dZ(i, j) = dA(i, j) * (1.0 - t * t);
    }
  }
  return dZ;
}
