#include <Eigen/Dense>

MseResult mse_loss(const Eigen::MatrixXd& Yhat, const Eigen::MatrixXd& Y) {
  const double n = static_cast<double>(Yhat.rows());
  const Eigen::MatrixXd diff = Yhat - Y;
  MseResult r;
  r.loss = diff.squaredNorm() / (2.0 * n);
  r.dYhat = diff / n;
  return r;
}
