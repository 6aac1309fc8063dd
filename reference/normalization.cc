#include "reference/normalization.h"

namespace reference {

// mask = 1[U < p] / p   (inverted dropout, CS231n; p = keep probability)
// train: Y = X ⊙ mask;  eval: Y = X.   X, U: N×D
Eigen::MatrixXd Dropout::dropout_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U,
                                         double p, bool train) {
  if (!train) return X;
  const Eigen::ArrayXXd mask = (U.array() < p).cast<double>() / p;
  return (X.array() * mask).matrix();
}

// dX = dY ⊙ mask, the forward pass's mask.   dY, U: N×D
Eigen::MatrixXd Dropout::dropout_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& U,
                                          double p) {
  const Eigen::ArrayXXd mask = (U.array() < p).cast<double>() / p;
  return (dY.array() * mask).matrix();
}

// μ = (1/N) Σ_i X[i,:],  σ² = (1/N) Σ_i (X[i,:] − μ)²,  X̂ = (X − 1μᵀ) ⊘ √(σ² + ε).
Eigen::MatrixXd NormalizeColumns(const Eigen::MatrixXd& X, double eps, Eigen::VectorXd* mean,
                                 Eigen::VectorXd* var) {
  const Eigen::RowVectorXd mu = X.colwise().mean();                              // 1×D
  const Eigen::MatrixXd centered = X.rowwise() - mu;                             // N×D
  const Eigen::RowVectorXd sigma2 = centered.array().square().colwise().mean();  // 1×D
  if (mean != nullptr) *mean = mu.transpose();
  if (var != nullptr) *var = sigma2.transpose();
  const Eigen::RowVectorXd inv_std = (sigma2.array() + eps).rsqrt().matrix();
  return centered.array().rowwise() * inv_std.array();
}

namespace {

// dX̂ → dX for X̂ = (x − μ)/√(σ² + ε) normalised over the N rows of each column (CS231n
// batchnorm_backward_alt, derived from the computational graph):
// dX = (1/(N √(σ²+ε))) (N dX̂ − 1 Σ_i dX̂ − X̂ ⊙ 1 Σ_i (dX̂ ⊙ X̂))   per column.
Eigen::MatrixXd NormalizedBackwardColumns(const Eigen::MatrixXd& dxhat, const Eigen::MatrixXd& xhat,
                                          const Eigen::VectorXd& var, double eps) {
  const double n = static_cast<double>(xhat.rows());
  const Eigen::RowVectorXd inv_std = (var.array() + eps).rsqrt().matrix().transpose();
  const Eigen::RowVectorXd sum_dxhat = dxhat.colwise().sum();
  const Eigen::RowVectorXd sum_dxhat_xhat = dxhat.cwiseProduct(xhat).colwise().sum();
  const Eigen::ArrayXXd inner = (n * dxhat).rowwise() - sum_dxhat -
                                (xhat.array().rowwise() * sum_dxhat_xhat.array()).matrix();
  return (inner.rowwise() * (inv_std.array() / n)).matrix();
}

}  // namespace

// Layer norm is batch norm over the transpose: each row of X is normalised over its D features.
// Y = γ ⊙ X̂ + β (per column j: γ_j, β_j).   X: N×D, γ, β: D
Eigen::MatrixXd LayerNorm::layernorm_forward(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                             const Eigen::VectorXd& beta, double eps) {
  const Eigen::MatrixXd xhat = NormalizeColumns(X.transpose(), eps, nullptr, nullptr).transpose();
  return (xhat.array().rowwise() * gamma.transpose().array()).matrix().rowwise() + beta.transpose();
}

// dβ = Σ_i dY[i,:], dγ = Σ_i dY[i,:] ⊙ X̂[i,:];  dX̂ = dY ⊙ γ;  dX per row as in the statement.
LayerNormGrads LayerNorm::layernorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                             const Eigen::VectorXd& gamma, double eps) {
  Eigen::VectorXd var;  // per row (N)
  const Eigen::MatrixXd xhat_t = NormalizeColumns(X.transpose(), eps, nullptr, &var);  // D×N
  const Eigen::MatrixXd xhat = xhat_t.transpose();
  const Eigen::MatrixXd dxhat = (dY.array().rowwise() * gamma.transpose().array()).matrix();
  LayerNormGrads g;
  g.dbeta = dY.colwise().sum().transpose();
  g.dgamma = dY.cwiseProduct(xhat).colwise().sum().transpose();
  g.dX = NormalizedBackwardColumns(dxhat.transpose(), xhat_t, var, eps).transpose();
  return g;
}

// Y = γ ⊙ X̂ + β with batch statistics;
// running_mean ← (1−m) running_mean + m μ;  running_var ← (1−m) running_var + m σ² N/(N−1).
BatchNormTrainResult BatchNorm::batchnorm_train(const Eigen::MatrixXd& X,
                                                const Eigen::VectorXd& gamma,
                                                const Eigen::VectorXd& beta,
                                                const Eigen::VectorXd& running_mean,
                                                const Eigen::VectorXd& running_var, double momentum,
                                                double eps) {
  const double n = static_cast<double>(X.rows());
  Eigen::VectorXd mu, var;
  const Eigen::MatrixXd xhat = NormalizeColumns(X, eps, &mu, &var);
  BatchNormTrainResult r;
  r.Y = (xhat.array().rowwise() * gamma.transpose().array()).matrix().rowwise() + beta.transpose();
  r.running_mean = (1.0 - momentum) * running_mean + momentum * mu;
  r.running_var = (1.0 - momentum) * running_var + momentum * var * (n / (n - 1.0));
  return r;
}

// Y = γ ⊙ (X − running_mean) ⊘ √(running_var + ε) + β.
Eigen::MatrixXd BatchNorm::batchnorm_eval(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                          const Eigen::VectorXd& beta,
                                          const Eigen::VectorXd& running_mean,
                                          const Eigen::VectorXd& running_var, double eps) {
  const Eigen::RowVectorXd scale =
      (gamma.array() * (running_var.array() + eps).rsqrt()).matrix().transpose();
  return ((X.rowwise() - running_mean.transpose()).array().rowwise() * scale.array())
             .matrix()
             .rowwise() +
         beta.transpose();
}

// dβ = Σ_i dY, dγ = Σ_i dY ⊙ X̂, dX̂ = dY ⊙ γ, dX per column (CS231n batchnorm_backward_alt).
BatchNormGrads BatchNorm::batchnorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                             const Eigen::VectorXd& gamma, double eps) {
  Eigen::VectorXd var;
  const Eigen::MatrixXd xhat = NormalizeColumns(X, eps, nullptr, &var);
  const Eigen::MatrixXd dxhat = (dY.array().rowwise() * gamma.transpose().array()).matrix();
  BatchNormGrads g;
  g.dbeta = dY.colwise().sum().transpose();
  g.dgamma = dY.cwiseProduct(xhat).colwise().sum().transpose();
  g.dX = NormalizedBackwardColumns(dxhat, xhat, var, eps);
  return g;
}

}  // namespace reference
