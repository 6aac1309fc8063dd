// dropout_forward: mask = 1[U < p]/p (p = keep probability); train: Y = X ⊙ mask; eval: Y = X.
// dropout_backward: dX = dY ⊙ mask.
#include <Eigen/Dense>

Eigen::MatrixXd dropout_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U, double p,
                                bool train) {
  // TODO
  (void)U;
  (void)p;
  (void)train;
  return Eigen::MatrixXd::Zero(X.rows(), X.cols());
}

Eigen::MatrixXd dropout_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& U, double p) {
  // TODO
  (void)U;
  (void)p;
  return Eigen::MatrixXd::Zero(dY.rows(), dY.cols());
}
