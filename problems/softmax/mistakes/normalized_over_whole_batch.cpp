// Uses the maximum and the sum of the whole batch instead of those of each row.
#include <Eigen/Dense>

Eigen::MatrixXd softmax(const Eigen::MatrixXd& Z) {
  const Eigen::ArrayXXd e = (Z.array() - Z.maxCoeff()).exp();
  return (e / e.sum()).matrix();
}
