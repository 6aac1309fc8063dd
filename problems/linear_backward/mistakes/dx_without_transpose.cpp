// Multiplies by W instead of Wᵀ for dX: a dimension mismatch (M ≠ D) caught by Eigen.
#include <Eigen/Dense>

LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                            const Eigen::MatrixXd& dY) {
  LinearGrads grads;
  grads.dX = dY * W;
  grads.dW = X.transpose() * dY;
  grads.db = dY.colwise().sum().transpose();
  return grads;
}
