// Builds the gradient with one column per token (D×V), the transpose of W's shape.
#include <Eigen/Dense>

Eigen::MatrixXd embedding_forward(const Eigen::MatrixXd& W, const Eigen::VectorXi& ids) {
  Eigen::MatrixXd E(ids.size(), W.cols());
  for (Eigen::Index i = 0; i < ids.size(); ++i) E.row(i) = W.row(ids(i));
  return E;
}

Eigen::MatrixXd embedding_backward(const Eigen::MatrixXd& W, const Eigen::VectorXi& ids,
                                   const Eigen::MatrixXd& dE) {
  Eigen::MatrixXd dW = Eigen::MatrixXd::Zero(W.cols(), W.rows());
  for (Eigen::Index i = 0; i < ids.size(); ++i) dW.col(ids(i)) += dE.row(i).transpose();
  return dW;
}
