// linear_backward: dX = dY Wᵀ, dW = Xᵀ dY, db = column sums of dY.
// LinearGrads is declared for you: struct LinearGrads { MatrixXd dX; MatrixXd dW; VectorXd db; };
#include <Eigen/Dense>

LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                            const Eigen::MatrixXd& dY) {
  LinearGrads grads;
  // TODO: fill in the three gradients.
  grads.dX = Eigen::MatrixXd::Zero(X.rows(), X.cols());
  grads.dW = Eigen::MatrixXd::Zero(W.rows(), W.cols());
  grads.db = Eigen::VectorXd::Zero(dY.cols());
  return grads;
}
