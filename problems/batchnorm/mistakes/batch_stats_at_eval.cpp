// Normalises with the statistics of the evaluation batch instead of the running statistics.
#include <Eigen/Dense>
#include <cmath>

BatchNormTrainResult batchnorm_train(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                     const Eigen::VectorXd& beta,
                                     const Eigen::VectorXd& running_mean,
                                     const Eigen::VectorXd& running_var, double momentum,
                                     double eps) {
  const double n = static_cast<double>(X.rows());
  BatchNormTrainResult r;
  r.Y.resize(X.rows(), X.cols());
  r.running_mean = running_mean;
  r.running_var = running_var;
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const double mu = X.col(j).mean();
    const Eigen::VectorXd centered = X.col(j).array() - mu;
    const double var = centered.squaredNorm() / n;
    r.Y.col(j) = (gamma(j) * centered / std::sqrt(var + eps)).array() + beta(j);
    r.running_mean(j) = (1 - momentum) * running_mean(j) + momentum * mu;
    r.running_var(j) = (1 - momentum) * running_var(j) + momentum * var * n / (n - 1);
  }
  return r;
}

Eigen::MatrixXd batchnorm_eval(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                               const Eigen::VectorXd& beta, const Eigen::VectorXd& running_mean,
                               const Eigen::VectorXd& running_var, double eps) {
  (void)running_mean;
  (void)running_var;
  Eigen::MatrixXd Y(X.rows(), X.cols());
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const double mu = X.col(j).mean();
    const double var = (X.col(j).array() - mu).square().mean();
    Y.col(j) = (gamma(j) * (X.col(j).array() - mu) / std::sqrt(var + eps)) + beta(j);
  }
  return Y;
}

BatchNormGrads batchnorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                  const Eigen::VectorXd& gamma, double eps) {
  const double n = static_cast<double>(X.rows());
  BatchNormGrads g;
  g.dX.resize(X.rows(), X.cols());
  g.dgamma.resize(X.cols());
  g.dbeta.resize(X.cols());
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const Eigen::VectorXd centered = X.col(j).array() - X.col(j).mean();
    const double inv_std = 1.0 / std::sqrt(centered.squaredNorm() / n + eps);
    const Eigen::VectorXd xhat = centered * inv_std;
    g.dbeta(j) = dY.col(j).sum();
    g.dgamma(j) = dY.col(j).dot(xhat);
    g.dX.col(j) = gamma(j) * inv_std / n *
                  (n * dY.col(j).array() - g.dbeta(j) - xhat.array() * g.dgamma(j)).matrix();
  }
  return g;
}
