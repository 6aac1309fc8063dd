// Averages dY over the batch for db instead of summing it.
#include <Eigen/Dense>

LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                            const Eigen::MatrixXd& dY) {
  LinearGrads grads;
  grads.dX = dY * W.transpose();
  grads.dW = X.transpose() * dY;
  grads.db = dY.colwise().mean().transpose();
  return grads;
}
