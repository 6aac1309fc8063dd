// Sums dY over the wrong axis: one value per sample (length N) instead of per output (M).
#include <Eigen/Dense>

LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                            const Eigen::MatrixXd& dY) {
  LinearGrads grads;
  grads.dX = dY * W.transpose();
  grads.dW = X.transpose() * dY;
  grads.db = dY.rowwise().sum();
  return grads;
}
