// Divides every gradient by the batch size again, although dY already carries the 1/N.
#include <Eigen/Dense>

LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                            const Eigen::MatrixXd& dY) {
  const double n = static_cast<double>(X.rows());
  LinearGrads grads;
  grads.dX = dY * W.transpose() / n;
  grads.dW = X.transpose() * dY / n;
  grads.db = dY.colwise().sum().transpose() / n;
  return grads;
}
