// Averages over all N·K entries instead of over the N samples.
#include <Eigen/Dense>

MseResult mse_loss(const Eigen::MatrixXd& Yhat, const Eigen::MatrixXd& Y) {
  const double count = static_cast<double>(Yhat.size());
  MseResult r;
  r.loss = 0.5 * (Yhat - Y).squaredNorm() / count;
  r.dYhat = (Yhat - Y) / count;
  return r;
}
