// Exponentiates the raw logits: exp(1000) = inf and inf/inf = NaN.
#include <Eigen/Dense>

Eigen::MatrixXd softmax(const Eigen::MatrixXd& Z) {
  const Eigen::ArrayXXd e = Z.array().exp();
  return (e.colwise() / e.rowwise().sum()).matrix();
}
