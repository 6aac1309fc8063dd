// batchnorm's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::batchnorm {
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

// PyTorch BatchNorm1d conventions: biased variance for normalising, unbiased variance in the
// running statistics, momentum weighting the new batch.
struct BatchNorm {
  // Y = γ ⊙ X̂ + β with batch statistics;
  // running_mean ← (1−m) running_mean + m μ;  running_var ← (1−m) running_var + m σ² N/(N−1).
  // REQUIRES: X.rows() >= 2 (the running variance is unbiased)
  static BatchNormTrainResult batchnorm_train(const MatrixXd& X, const VectorXd& gamma,
                                              const VectorXd& beta, const VectorXd& running_mean,
                                              const VectorXd& running_var, double momentum,
                                              double eps) {
    const double n = static_cast<double>(X.rows());
    VectorXd mu, var;
    const MatrixXd xhat = NormalizeColumns(X, eps, &mu, &var);
    BatchNormTrainResult r;
    r.Y =
        (xhat.array().rowwise() * gamma.transpose().array()).matrix().rowwise() + beta.transpose();
    r.running_mean = (1.0 - momentum) * running_mean + momentum * mu;
    r.running_var = (1.0 - momentum) * running_var + momentum * var * (n / (n - 1.0));
    return r;
  }

  // Y = γ ⊙ (X − running_mean) ⊘ √(running_var + ε) + β.
  static MatrixXd batchnorm_eval(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                 const VectorXd& running_mean, const VectorXd& running_var,
                                 double eps) {
    const Eigen::RowVectorXd scale =
        (gamma.array() * (running_var.array() + eps).rsqrt()).matrix().transpose();
    return ((X.rowwise() - running_mean.transpose()).array().rowwise() * scale.array())
               .matrix()
               .rowwise() +
           beta.transpose();
  }

  // dβ = Σ_i dY, dγ = Σ_i dY ⊙ X̂, dX̂ = dY ⊙ γ, dX per column (CS231n batchnorm_backward_alt).
  static BatchNormGrads batchnorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    VectorXd var;
    const MatrixXd xhat = NormalizeColumns(X, eps, nullptr, &var);
    const MatrixXd dxhat = (dY.array().rowwise() * gamma.transpose().array()).matrix();
    BatchNormGrads g;
    g.dbeta = dY.colwise().sum().transpose();
    g.dgamma = dY.cwiseProduct(xhat).colwise().sum().transpose();
    g.dX = NormalizedBackwardColumns(dxhat, xhat, var, eps);
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

// Backward with μ and σ held constant: dX = dY ⊙ γ / √(σ² + ε), per column.
MatrixXd BackwardStatsConstant(const MatrixXd& dY, const MatrixXd& X, const VectorXd& gamma,
                               double eps) {
  VectorXd var;
  NormalizeColumns(X, eps, nullptr, &var);
  const Eigen::RowVectorXd scale =
      (gamma.array() * (var.array() + eps).rsqrt()).matrix().transpose();
  return (dY.array().rowwise() * scale.array()).matrix();
}

// --- mutants ---------------------------------------------------------------------------------

template <bool kUnbiased, bool kEpsOutside>
struct NormalizeVariant : BatchNorm {
  static BatchNormTrainResult batchnorm_train(const MatrixXd& X, const VectorXd& gamma,
                                              const VectorXd& beta, const VectorXd& running_mean,
                                              const VectorXd& running_var, double momentum,
                                              double eps) {
    BatchNormTrainResult r =
        BatchNorm::batchnorm_train(X, gamma, beta, running_mean, running_var, momentum, eps);
    r.Y = ScaleShift(NormalizeColumnsVariant(X, eps, kUnbiased, kEpsOutside), gamma, beta);
    return r;
  }
};
struct MomentumReversed : BatchNorm {
  static BatchNormTrainResult batchnorm_train(const MatrixXd& X, const VectorXd& gamma,
                                              const VectorXd& beta, const VectorXd& running_mean,
                                              const VectorXd& running_var, double momentum,
                                              double eps) {
    return BatchNorm::batchnorm_train(X, gamma, beta, running_mean, running_var, 1.0 - momentum,
                                      eps);
  }
};
struct RunningVarBiased : BatchNorm {
  static BatchNormTrainResult batchnorm_train(const MatrixXd& X, const VectorXd& gamma,
                                              const VectorXd& beta, const VectorXd& running_mean,
                                              const VectorXd& running_var, double momentum,
                                              double eps) {
    BatchNormTrainResult r =
        BatchNorm::batchnorm_train(X, gamma, beta, running_mean, running_var, momentum, eps);
    VectorXd var;
    NormalizeColumns(X, eps, nullptr, &var);
    r.running_var = (1.0 - momentum) * running_var + momentum * var;
    return r;
  }
};
struct StatsNotUpdated : BatchNorm {
  static BatchNormTrainResult batchnorm_train(const MatrixXd& X, const VectorXd& gamma,
                                              const VectorXd& beta, const VectorXd& running_mean,
                                              const VectorXd& running_var, double momentum,
                                              double eps) {
    BatchNormTrainResult r =
        BatchNorm::batchnorm_train(X, gamma, beta, running_mean, running_var, momentum, eps);
    r.running_mean = running_mean;
    r.running_var = running_var;
    return r;
  }
};
struct BatchStatsAtEval : BatchNorm {
  static MatrixXd batchnorm_eval(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                 const VectorXd&, const VectorXd&, double eps) {
    return ScaleShift(NormalizeColumns(X, eps, nullptr, nullptr), gamma, beta);
  }
};
struct StatsConstant : BatchNorm {
  static BatchNormGrads batchnorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    BatchNormGrads g = BatchNorm::batchnorm_backward(dY, X, gamma, eps);
    g.dX = BackwardStatsConstant(dY, X, gamma, eps);
    return g;
  }
};
struct DgammaNoXhat : BatchNorm {
  static BatchNormGrads batchnorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    BatchNormGrads g = BatchNorm::batchnorm_backward(dY, X, gamma, eps);
    g.dgamma = g.dbeta;
    return g;
  }
};
struct ReducedOverFeatures : BatchNorm {
  static BatchNormGrads batchnorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    BatchNormGrads g = BatchNorm::batchnorm_backward(dY, X, gamma, eps);
    g.dbeta = dY.rowwise().sum();
    g.dgamma = dY.cwiseProduct(NormalizeColumns(X, eps, nullptr, nullptr)).rowwise().sum();
    return g;
  }
};

}  // namespace

GRADER_PACK(Call<BatchNorm>,
            {
                {"unbiased_variance_for_normalization",
                 reference::Guard<Call<NormalizeVariant<true, false>>>},
                {"eps_outside_sqrt", reference::Guard<Call<NormalizeVariant<false, true>>>},
                {"momentum_convention_reversed", reference::Guard<Call<MomentumReversed>>},
                {"running_var_biased", reference::Guard<Call<RunningVarBiased>>},
                {"running_stats_not_updated", reference::Guard<Call<StatsNotUpdated>>},
                {"batch_stats_at_eval", reference::Guard<Call<BatchStatsAtEval>>},
                {"backward_treats_stats_as_constants", reference::Guard<Call<StatsConstant>>},
                {"dgamma_without_xhat", reference::Guard<Call<DgammaNoXhat>>},
                {"gradients_reduced_over_features", reference::Guard<Call<ReducedOverFeatures>>},
            })

}  // namespace problems::batchnorm
