#include <Eigen/Dense>

Eigen::MatrixXd linear_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                               const Eigen::VectorXd& b) {
  Eigen::MatrixXd Y = X * W;
  for (Eigen::Index i = 0; i < Y.rows(); ++i) {
    Y.row(i) += b.transpose();
  }
  return Y;
}
