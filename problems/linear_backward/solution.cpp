#include <Eigen/Dense>

LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                            const Eigen::MatrixXd& dY) {
  LinearGrads grads;
  grads.dX = dY * W.transpose();
  grads.dW = X.transpose() * dY;
  grads.db = Eigen::VectorXd::Zero(dY.cols());
  for (Eigen::Index i = 0; i < dY.rows(); ++i) {
    grads.db += dY.row(i).transpose();
  }
  return grads;
}
