#include "reference/linear.h"

namespace reference {

// Y = X W + 1 bᵀ
// X: N×D, W: D×M, b: M  ->  Y: N×M
Eigen::MatrixXd Linear::linear_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                                       const Eigen::VectorXd& b) {
  return (X * W).rowwise() + b.transpose();
}

// dX = dY Wᵀ        (N×M)(M×D) -> N×D
// dW = Xᵀ dY        (D×N)(N×M) -> D×M
// db = Σ_i dY[i,:]  column sums -> M
// (CS231n affine_backward; the gradient of a sum of outer products.)
LinearGrads Linear::linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                                    const Eigen::MatrixXd& dY) {
  LinearGrads grads;
  grads.dX = dY * W.transpose();
  grads.dW = X.transpose() * dY;
  grads.db = dY.colwise().sum().transpose();
  return grads;
}

}  // namespace reference
