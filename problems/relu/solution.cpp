#include <Eigen/Dense>

Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {
  Eigen::MatrixXd A = Z;
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < A.cols(); ++j)
      if (A(i, j) < 0) A(i, j) = 0;
  return A;
}

Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  return (Z.array() > 0).select(dA.array(), 0.0).matrix();
}
