// Multiplies in the wrong order: dW = dYᵀ X, an M×D matrix, instead of Xᵀ dY (D×M).
#include <Eigen/Dense>

LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                            const Eigen::MatrixXd& dY) {
  LinearGrads grads;
  grads.dX = dY * W.transpose();
  grads.dW = dY.transpose() * X;  // M×D instead of D×M
  grads.db = dY.colwise().sum().transpose();
  return grads;
}
