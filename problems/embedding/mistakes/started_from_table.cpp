// Accumulates into a copy of the table instead of into zeros: every row carries W's values.
#include <Eigen/Dense>

Eigen::MatrixXd embedding_forward(const Eigen::MatrixXd& W, const Eigen::VectorXi& ids) {
  Eigen::MatrixXd E(ids.size(), W.cols());
  for (Eigen::Index i = 0; i < ids.size(); ++i) E.row(i) = W.row(ids(i));
  return E;
}

Eigen::MatrixXd embedding_backward(const Eigen::MatrixXd& W, const Eigen::VectorXi& ids,
                                   const Eigen::MatrixXd& dE) {
  Eigen::MatrixXd dW = W;
  for (Eigen::Index i = 0; i < ids.size(); ++i) dW.row(ids(i)) += dE.row(i);
  return dW;
}
