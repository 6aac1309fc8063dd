// Differentiates as if μ and σ did not depend on X: dX = dY ⊙ γ / √(σ² + ε).
#include <Eigen/Dense>
#include <cmath>

Eigen::MatrixXd layernorm_forward(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                  const Eigen::VectorXd& beta, double eps) {
  Eigen::MatrixXd Y(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const double mu = X.row(i).mean();
    const Eigen::RowVectorXd centered = X.row(i).array() - mu;
    const double var = centered.squaredNorm() / static_cast<double>(X.cols());
    const Eigen::RowVectorXd xhat = centered / std::sqrt(var + eps);
    Y.row(i) = xhat.cwiseProduct(gamma.transpose()) + beta.transpose();
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
    g.dX.row(i) = dxhat * inv_std;
  }
  return g;
}
