// Adds the bias down the columns (colwise) instead of along each row.
#include <Eigen/Dense>

Eigen::MatrixXd linear_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                               const Eigen::VectorXd& b) {
  Eigen::MatrixXd Y = X * W;
  return Y.colwise() + b;
}
