// layernorm's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::layernorm {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Normalises the columns of X: returns X̂ = (X − 1μᵀ) ⊘ √(σ² + ε) with the biased σ², and
// the per-column μ and σ² through the out-parameters (either may be null).
// μ = (1/N) Σ_i X[i,:],  σ² = (1/N) Σ_i (X[i,:] − μ)²,  X̂ = (X − 1μᵀ) ⊘ √(σ² + ε).
MatrixXd NormalizeColumns(const MatrixXd& X, double eps, VectorXd* mean, VectorXd* var) {
  const Eigen::RowVectorXd mu = X.colwise().mean();                              // 1×D
  const MatrixXd centered = X.rowwise() - mu;                                    // N×D
  const Eigen::RowVectorXd sigma2 = centered.array().square().colwise().mean();  // 1×D
  if (mean != nullptr) *mean = mu.transpose();
  if (var != nullptr) *var = sigma2.transpose();
  const Eigen::RowVectorXd inv_std = (sigma2.array() + eps).rsqrt().matrix();
  return centered.array().rowwise() * inv_std.array();
}

// dX̂ → dX for X̂ = (x − μ)/√(σ² + ε) normalised over the N rows of each column (CS231n
// batchnorm_backward_alt, derived from the computational graph):
// dX = (1/(N √(σ²+ε))) (N dX̂ − 1 Σ_i dX̂ − X̂ ⊙ 1 Σ_i (dX̂ ⊙ X̂))   per column.
MatrixXd NormalizedBackwardColumns(const MatrixXd& dxhat, const MatrixXd& xhat, const VectorXd& var,
                                   double eps) {
  const double n = static_cast<double>(xhat.rows());
  const Eigen::RowVectorXd inv_std = (var.array() + eps).rsqrt().matrix().transpose();
  const Eigen::RowVectorXd sum_dxhat = dxhat.colwise().sum();
  const Eigen::RowVectorXd sum_dxhat_xhat = dxhat.cwiseProduct(xhat).colwise().sum();
  const ArrayXXd inner = (n * dxhat).rowwise() - sum_dxhat -
                         (xhat.array().rowwise() * sum_dxhat_xhat.array()).matrix();
  return (inner.rowwise() * (inv_std.array() / n)).matrix();
}

struct LayerNorm {
  // Layer norm is batch norm over the transpose: each row of X is normalised over its D
  // features. Y = γ ⊙ X̂ + β (per column j: γ_j, β_j).   X: N×D, γ, β: D
  static MatrixXd layernorm_forward(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                    double eps) {
    const MatrixXd xhat = NormalizeColumns(X.transpose(), eps, nullptr, nullptr).transpose();
    return (xhat.array().rowwise() * gamma.transpose().array()).matrix().rowwise() +
           beta.transpose();
  }

  // dβ = Σ_i dY[i,:], dγ = Σ_i dY[i,:] ⊙ X̂[i,:];  dX̂ = dY ⊙ γ;  dX per row as in the statement.
  static LayerNormGrads layernorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    VectorXd var;                                                                 // per row (N)
    const MatrixXd xhat_t = NormalizeColumns(X.transpose(), eps, nullptr, &var);  // D×N
    const MatrixXd xhat = xhat_t.transpose();
    const MatrixXd dxhat = (dY.array().rowwise() * gamma.transpose().array()).matrix();
    LayerNormGrads g;
    g.dbeta = dY.colwise().sum().transpose();
    g.dgamma = dY.cwiseProduct(xhat).colwise().sum().transpose();
    g.dX = NormalizedBackwardColumns(dxhat.transpose(), xhat_t, var, eps).transpose();
    return g;
  }
};

// --- shared normalisation variants ------------------------------------------------------------

// X̂ per column with the misconceptions as switches.
MatrixXd NormalizeColumnsVariant(const MatrixXd& X, double eps, bool unbiased, bool eps_outside) {
  const double n = static_cast<double>(X.rows());
  const MatrixXd centered = X.rowwise() - X.colwise().mean();
  const Eigen::RowVectorXd var =
      centered.array().square().colwise().sum() / (unbiased ? n - 1.0 : n);
  Eigen::RowVectorXd denominator = (var.array() + eps).sqrt().matrix();
  if (eps_outside) denominator = (var.array().sqrt() + eps).matrix();
  return centered.array().rowwise() / denominator.array();
}

MatrixXd ScaleShift(const MatrixXd& xhat, const VectorXd& gamma, const VectorXd& beta) {
  return (xhat.array().rowwise() * gamma.transpose().array()).matrix().rowwise() + beta.transpose();
}

// --- mutants (columns of Xᵀ) -------------------------------------------------------------------

struct OverBatch : LayerNorm {
  static MatrixXd layernorm_forward(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                    double eps) {
    return ScaleShift(NormalizeColumns(X, eps, nullptr, nullptr), gamma, beta);
  }
};
struct Unbiased : LayerNorm {
  static MatrixXd layernorm_forward(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                    double eps) {
    return ScaleShift(NormalizeColumnsVariant(X.transpose(), eps, true, false).transpose(), gamma,
                      beta);
  }
};
struct EpsOutside : LayerNorm {
  static MatrixXd layernorm_forward(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                    double eps) {
    return ScaleShift(NormalizeColumnsVariant(X.transpose(), eps, false, true).transpose(), gamma,
                      beta);
  }
};
struct StatsConstant : LayerNorm {
  static LayerNormGrads layernorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    LayerNormGrads g = LayerNorm::layernorm_backward(dY, X, gamma, eps);
    // Per row i: dX[i,:] = dY[i,:] ⊙ γ / √(σ²_i + ε).
    VectorXd var;
    NormalizeColumns(X.transpose(), eps, nullptr, &var);
    g.dX =
        ((dY.array().rowwise() * gamma.transpose().array()).colwise() * (var.array() + eps).rsqrt())
            .matrix();
    return g;
  }
};
struct DgammaNoXhat : LayerNorm {
  static LayerNormGrads layernorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    LayerNormGrads g = LayerNorm::layernorm_backward(dY, X, gamma, eps);
    g.dgamma = g.dbeta;
    return g;
  }
};
struct ReducedOverFeatures : LayerNorm {
  static LayerNormGrads layernorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    LayerNormGrads g = LayerNorm::layernorm_backward(dY, X, gamma, eps);
    const MatrixXd xhat = NormalizeColumns(X.transpose(), eps, nullptr, nullptr).transpose();
    g.dbeta = dY.rowwise().sum();
    g.dgamma = dY.cwiseProduct(xhat).rowwise().sum();
    return g;
  }
};

}  // namespace

GRADER_PACK(Call<LayerNorm>,
            {
                {"normalized_over_batch", reference::Guard<Call<OverBatch>>},
                {"unbiased_variance", reference::Guard<Call<Unbiased>>},
                {"eps_outside_sqrt", reference::Guard<Call<EpsOutside>>},
                {"backward_treats_stats_as_constants", reference::Guard<Call<StatsConstant>>},
                {"dgamma_without_xhat", reference::Guard<Call<DgammaNoXhat>>},
                {"gradients_reduced_over_features", reference::Guard<Call<ReducedOverFeatures>>},
            })

}  // namespace problems::layernorm
