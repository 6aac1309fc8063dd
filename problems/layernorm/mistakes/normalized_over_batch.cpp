// Normalises each feature over the batch (batch-norm statistics) instead of each sample.
#include <Eigen/Dense>
#include <cmath>

Eigen::MatrixXd layernorm_forward(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                  const Eigen::VectorXd& beta, double eps) {
  Eigen::MatrixXd Y(X.rows(), X.cols());
  for (Eigen::Index j = 0; j < X.cols(); ++j) {
    const double mu = X.col(j).mean();
    const Eigen::VectorXd centered = X.col(j).array() - mu;
    const double var = centered.squaredNorm() / static_cast<double>(X.rows());
    Y.col(j) = gamma(j) * centered / std::sqrt(var + eps) + Eigen::VectorXd::Constant(X.rows(), beta(j));
  }
  return Y;
}

LayerNormGrads layernorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                  const Eigen::VectorXd& gamma, double eps) {
  const double d = static_cast<double>(X.cols());
  LayerNormGrads g;
  g.dX.resize(X.rows(), X.cols());
  g.dgamma = Eigen::VectorXd::Zero(X.cols());
  g.dbeta = Eigen::VectorXd::Zero(X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const double mu = X.row(i).mean();
    const Eigen::RowVectorXd centered = X.row(i).array() - mu;
    const double inv_std = 1.0 / std::sqrt(centered.squaredNorm() / d + eps);
    const Eigen::RowVectorXd xhat = centered * inv_std;
    g.dgamma += dY.row(i).cwiseProduct(xhat).transpose();
    g.dbeta += dY.row(i).transpose();
    const Eigen::RowVectorXd dxhat = dY.row(i).cwiseProduct(gamma.transpose());
    g.dX.row(i) = inv_std / d *
                  (d * dxhat.array() - dxhat.sum() - xhat.array() * dxhat.dot(xhat)).matrix();
  }
  return g;
}
