// Registration of dropout, layer norm and batch norm with their mutants (docs/misconceptions.md):
// each mutant is the reference with one function replaced by a catalogued misconception.
#include <cmath>

#include "problems/batchnorm/adapter.h"
#include "problems/dropout/adapter.h"
#include "problems/layernorm/adapter.h"
#include "reference/groups.h"
#include "reference/normalization.h"

namespace reference {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;
using Eigen::VectorXd;

ArrayXXd Keep(const MatrixXd& U, double p) { return (U.array() < p).cast<double>(); }

// --- dropout ---------------------------------------------------------------------------------

struct DropoutNoScale : Dropout {
  static MatrixXd dropout_forward(const MatrixXd& X, const MatrixXd& U, double p, bool train) {
    return train ? (X.array() * Keep(U, p)).matrix() : X;
  }
};
struct DropoutDropProbability : Dropout {
  static MatrixXd dropout_forward(const MatrixXd& X, const MatrixXd& U, double p, bool train) {
    return train ? (X.array() * (U.array() > p).cast<double>() / (1.0 - p)).matrix() : X;
  }
};
struct DropoutMaskAtEval : Dropout {
  static MatrixXd dropout_forward(const MatrixXd& X, const MatrixXd& U, double p, bool) {
    return Dropout::dropout_forward(X, U, p, true);
  }
};
struct DropoutScaledAtEval : Dropout {
  static MatrixXd dropout_forward(const MatrixXd& X, const MatrixXd& U, double p, bool train) {
    return train ? Dropout::dropout_forward(X, U, p, true) : MatrixXd(p * X);
  }
};
struct DropoutBackwardNoScale : Dropout {
  static MatrixXd dropout_backward(const MatrixXd& dY, const MatrixXd& U, double p) {
    return (dY.array() * Keep(U, p)).matrix();
  }
};
struct DropoutBackwardNoUpstream : Dropout {
  static MatrixXd dropout_backward(const MatrixXd& dY, const MatrixXd& U, double p) {
    return Dropout::dropout_backward(MatrixXd::Ones(dY.rows(), dY.cols()), U, p);
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

// --- layernorm (columns of Xᵀ) ---------------------------------------------------------------

struct LayerNormOverBatch : LayerNorm {
  static MatrixXd layernorm_forward(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                    double eps) {
    return ScaleShift(NormalizeColumns(X, eps, nullptr, nullptr), gamma, beta);
  }
};
struct LayerNormUnbiased : LayerNorm {
  static MatrixXd layernorm_forward(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                    double eps) {
    return ScaleShift(NormalizeColumnsVariant(X.transpose(), eps, true, false).transpose(), gamma,
                      beta);
  }
};
struct LayerNormEpsOutside : LayerNorm {
  static MatrixXd layernorm_forward(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                    double eps) {
    return ScaleShift(NormalizeColumnsVariant(X.transpose(), eps, false, true).transpose(), gamma,
                      beta);
  }
};
struct LayerNormStatsConstant : LayerNorm {
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
struct LayerNormDgammaNoXhat : LayerNorm {
  static LayerNormGrads layernorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    LayerNormGrads g = LayerNorm::layernorm_backward(dY, X, gamma, eps);
    g.dgamma = g.dbeta;
    return g;
  }
};
struct LayerNormReducedOverFeatures : LayerNorm {
  static LayerNormGrads layernorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    LayerNormGrads g = LayerNorm::layernorm_backward(dY, X, gamma, eps);
    const MatrixXd xhat = NormalizeColumns(X.transpose(), eps, nullptr, nullptr).transpose();
    g.dbeta = dY.rowwise().sum();
    g.dgamma = dY.cwiseProduct(xhat).rowwise().sum();
    return g;
  }
};

// --- batchnorm -------------------------------------------------------------------------------

template <bool kUnbiased, bool kEpsOutside>
struct BatchNormNormalizeVariant : BatchNorm {
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
struct BatchNormMomentumReversed : BatchNorm {
  static BatchNormTrainResult batchnorm_train(const MatrixXd& X, const VectorXd& gamma,
                                              const VectorXd& beta, const VectorXd& running_mean,
                                              const VectorXd& running_var, double momentum,
                                              double eps) {
    return BatchNorm::batchnorm_train(X, gamma, beta, running_mean, running_var, 1.0 - momentum,
                                      eps);
  }
};
struct BatchNormRunningVarBiased : BatchNorm {
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
struct BatchNormStatsNotUpdated : BatchNorm {
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
struct BatchNormBatchStatsAtEval : BatchNorm {
  static MatrixXd batchnorm_eval(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                 const VectorXd&, const VectorXd&, double eps) {
    return ScaleShift(NormalizeColumns(X, eps, nullptr, nullptr), gamma, beta);
  }
};
struct BatchNormStatsConstant : BatchNorm {
  static BatchNormGrads batchnorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    BatchNormGrads g = BatchNorm::batchnorm_backward(dY, X, gamma, eps);
    g.dX = BackwardStatsConstant(dY, X, gamma, eps);
    return g;
  }
};
struct BatchNormDgammaNoXhat : BatchNorm {
  static BatchNormGrads batchnorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    BatchNormGrads g = BatchNorm::batchnorm_backward(dY, X, gamma, eps);
    g.dgamma = g.dbeta;
    return g;
  }
};
struct BatchNormReducedOverFeatures : BatchNorm {
  static BatchNormGrads batchnorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    BatchNormGrads g = BatchNorm::batchnorm_backward(dY, X, gamma, eps);
    g.dbeta = dY.rowwise().sum();
    g.dgamma = dY.cwiseProduct(NormalizeColumns(X, eps, nullptr, nullptr)).rowwise().sum();
    return g;
  }
};

const char kStatsConstant[] =
    "Your input gradient treats the mean and variance as constants (dX = dY·γ/σ). They are "
    "computed from X, so their gradients flow back too: dX = (γ/(Kσ))(K·dY − Σ dY − X̂·Σ dY⊙X̂), "
    "with K the number of values each statistic averages.";
const char kDgammaNoXhat[] =
    "Your dγ equals dβ: dγ = Σ dY ⊙ X̂, because γ multiplies the normalised input X̂.";
const char kEpsOutside[] =
    "You added ε to the standard deviation, (x − μ)/(σ + ε). The convention is ε inside the "
    "square root, (x − μ)/√(σ² + ε); the two differ when the variance is small.";

}  // namespace

std::vector<ProblemCode> NormalizationProblems() {
  return {
      {"dropout",
       &problems::dropout::Call<Dropout>,
       {
           {"no_inverted_scaling",
            "dropout_train",
            {"stochastic-layers"},
            "You dropped units but did not scale the kept ones by 1/p. With inverted dropout the "
            "training output is X ⊙ 1[U < p] / p, so evaluation needs no scaling.",
            &problems::dropout::Call<DropoutNoScale>},
           {"p_as_drop_probability",
            "dropout_train",
            {"stochastic-layers"},
            "You treated p as the probability of dropping a unit. Here p is the KEEP probability: "
            "keep where U < p and scale by 1/p.",
            &problems::dropout::Call<DropoutDropProbability>},
           {"mask_applied_at_eval",
            "dropout_eval",
            {"train-vs-eval"},
            "You applied the dropout mask in evaluation mode. At evaluation inverted dropout is "
            "the identity: return X unchanged.",
            &problems::dropout::Call<DropoutMaskAtEval>},
           {"scaled_at_eval",
            "dropout_eval",
            {"train-vs-eval"},
            "You scaled by p in evaluation mode. That is the non-inverted convention; with "
            "inverted dropout (1/p at training) evaluation returns X unchanged.",
            &problems::dropout::Call<DropoutScaledAtEval>},
           {"backward_without_scale",
            "dropout_backward",
            {"stochastic-layers"},
            "Your backward pass uses the 0/1 mask without the 1/p scale. The gradient goes "
            "through exactly what the forward pass applied: dX = dY ⊙ 1[U < p] / p.",
            &problems::dropout::Call<DropoutBackwardNoScale>},
           {"backward_without_upstream",
            "dropout_backward",
            {"chain-rule"},
            "You returned the mask instead of dY ⊙ mask: multiply by the upstream gradient.",
            &problems::dropout::Call<DropoutBackwardNoUpstream>},
       }},
      {"layernorm",
       &problems::layernorm::Call<LayerNorm>,
       {
           {"normalized_over_batch",
            "layernorm_forward",
            {"reduction-axis"},
            "You normalised each feature over the batch (that is batch norm). Layer norm "
            "normalises each sample (row) over its D features.",
            &problems::layernorm::Call<LayerNormOverBatch>},
           {"unbiased_variance",
            "layernorm_forward",
            {"normalization"},
            "You divided the variance by D − 1. Normalisation uses the biased variance, ÷D.",
            &problems::layernorm::Call<LayerNormUnbiased>},
           {"eps_outside_sqrt",
            "layernorm_forward",
            {"normalization"},
            kEpsOutside,
            &problems::layernorm::Call<LayerNormEpsOutside>},
           {"backward_treats_stats_as_constants",
            "layernorm_backward",
            {"chain-rule"},
            kStatsConstant,
            &problems::layernorm::Call<LayerNormStatsConstant>},
           {"dgamma_without_xhat",
            "layernorm_backward",
            {"chain-rule"},
            kDgammaNoXhat,
            &problems::layernorm::Call<LayerNormDgammaNoXhat>},
           {"gradients_reduced_over_features",
            "layernorm_backward",
            {"reduction-axis"},
            "Your dγ and dβ have one entry per sample. γ and β have one entry per feature: sum "
            "over the batch (rows), not over the features.",
            &problems::layernorm::Call<LayerNormReducedOverFeatures>},
       }},
      {"batchnorm",
       &problems::batchnorm::Call<BatchNorm>,
       {
           {"unbiased_variance_for_normalization",
            "batchnorm_train",
            {"normalization"},
            "You normalised with the unbiased variance (÷(N − 1)). Batch norm normalises with the "
            "biased variance (÷N); only the running variance stores the unbiased one.",
            &problems::batchnorm::Call<BatchNormNormalizeVariant<true, false>>},
           {"eps_outside_sqrt",
            "batchnorm_train",
            {"normalization"},
            kEpsOutside,
            &problems::batchnorm::Call<BatchNormNormalizeVariant<false, true>>},
           {"momentum_convention_reversed",
            "batchnorm_train",
            {"train-vs-eval"},
            "Your running statistics give the weight `momentum` to the old value. In this "
            "problem (as in PyTorch) momentum weights the NEW batch: running ← (1 − m)·running "
            "+ m·batch.",
            &problems::batchnorm::Call<BatchNormMomentumReversed>},
           {"running_var_biased",
            "batchnorm_train",
            {"train-vs-eval"},
            "Your running variance uses the biased batch variance. The running variance stores "
            "the unbiased estimate σ²·N/(N − 1) (PyTorch's convention).",
            &problems::batchnorm::Call<BatchNormRunningVarBiased>},
           {"running_stats_not_updated",
            "batchnorm_train",
            {"optimizer-state"},
            "You returned the running statistics unchanged. Each training call must blend in the "
            "batch's mean and variance.",
            &problems::batchnorm::Call<BatchNormStatsNotUpdated>},
           {"batch_stats_at_eval",
            "batchnorm_eval",
            {"train-vs-eval"},
            "In evaluation mode you normalised with the batch's own statistics. Evaluation uses "
            "the running mean and variance, so a prediction does not depend on the other "
            "samples of the batch.",
            &problems::batchnorm::Call<BatchNormBatchStatsAtEval>},
           {"backward_treats_stats_as_constants",
            "batchnorm_backward",
            {"chain-rule"},
            kStatsConstant,
            &problems::batchnorm::Call<BatchNormStatsConstant>},
           {"dgamma_without_xhat",
            "batchnorm_backward",
            {"chain-rule"},
            kDgammaNoXhat,
            &problems::batchnorm::Call<BatchNormDgammaNoXhat>},
           {"gradients_reduced_over_features",
            "batchnorm_backward",
            {"reduction-axis"},
            "Your dγ and dβ have one entry per sample. γ and β have one entry per feature: sum "
            "over the batch (rows).",
            &problems::batchnorm::Call<BatchNormReducedOverFeatures>},
       }},
  };
}

}  // namespace reference
