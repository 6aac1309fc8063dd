// Differentiates with respect to the target: dYhat = (Y − Yhat) / N.
#include <Eigen/Dense>

MseResult mse_loss(const Eigen::MatrixXd& Yhat, const Eigen::MatrixXd& Y) {
  const double n = static_cast<double>(Yhat.rows());
  MseResult r;
  r.loss = 0.5 * (Yhat - Y).squaredNorm() / n;
  r.dYhat = (Y - Yhat) / n;
  return r;
}
