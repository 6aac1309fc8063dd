// Drops the ½: L = (1/N) Σ (Yhat − Y)² and dYhat = 2 (Yhat − Y) / N (consistent, but not the
// convention the problem states).
#include <Eigen/Dense>

MseResult mse_loss(const Eigen::MatrixXd& Yhat, const Eigen::MatrixXd& Y) {
  const double n = static_cast<double>(Yhat.rows());
  MseResult r;
  r.loss = (Yhat - Y).squaredNorm() / n;
  r.dYhat = 2.0 * (Yhat - Y) / n;
  return r;
}
