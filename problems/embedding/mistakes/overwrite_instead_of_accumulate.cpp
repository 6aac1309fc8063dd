// Assigns each position's gradient to its token's row: a repeated id keeps only its last one.
#include <Eigen/Dense>

Eigen::MatrixXd embedding_forward(const Eigen::MatrixXd& W, const Eigen::VectorXi& ids) {
  Eigen::MatrixXd E(ids.size(), W.cols());
  for (Eigen::Index i = 0; i < ids.size(); ++i) E.row(i) = W.row(ids(i));
  return E;
}

Eigen::MatrixXd embedding_backward(const Eigen::MatrixXd& W, const Eigen::VectorXi& ids,
                                   const Eigen::MatrixXd& dE) {
  Eigen::MatrixXd dW = Eigen::MatrixXd::Zero(W.rows(), W.cols());
  for (Eigen::Index i = 0; i < ids.size(); ++i) dW.row(ids(i)) = dE.row(i);
  return dW;
}
