// masked_token_loss's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
#include <Eigen/Dense>
#include <cmath>

#include "adapter.h"
#include "reference/ieee_exp.h"
#include "reference/pack.h"

namespace problems::masked_token_loss {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using Eigen::VectorXi;
using reference::IeeeExp;

// log P[t,v] = (Z[t,v] − m_t) − log Σ_k exp(Z[t,k] − m_t),  m_t = max_k Z[t,k]
// Row-wise log-softmax, stable for any finite logits.   Z: T×V -> T×V
MatrixXd LogSoftmaxRows(const MatrixXd& Z) {
  // S = Z − m 1ᵀ   (T×V)
  const MatrixXd S = Z.colwise() - Z.rowwise().maxCoeff();
  // lse_t = log Σ_k exp(S[t,k])   (T)
  const Eigen::VectorXd lse = IeeeExp(S.array()).rowwise().sum().log().matrix();
  return S.colwise() - lse;
}

// n = Σ_t mask[t], the number of counted (unmasked) positions.
double Count(const VectorXd& mask) { return static_cast<double>(mask.sum()); }

struct MaskedTokenLoss {
  // n  = Σ_t mask[t]
  // L  = −(1/n) Σ_{t : mask[t] = 1} log P[t, y_t]                  scalar
  // dZ = diag(mask) (P − Y_onehot) / n                             T×V
  // Z: T×V, y: T, mask: T in {0.0, 1.0} -> loss, dZ: T×V;  n = 0 gives loss 0 and dZ = 0.
  // REQUIRES: 0 <= y[t] < Z.cols()
  static MaskedTokenLossResult masked_token_loss(const MatrixXd& Z, const VectorXi& y,
                                                 const VectorXd& mask) {
    return Scaled(Z, y, mask, Count(mask), Count(mask));
  }

  // The loss divided by loss_by and dZ by grad_by (the mutants change them).
  static MaskedTokenLossResult Scaled(const MatrixXd& Z, const VectorXi& y, const VectorXd& mask,
                                      double loss_by, double grad_by) {
    const MatrixXd log_p = LogSoftmaxRows(Z);
    MaskedTokenLossResult r;
    r.dZ = MatrixXd::Zero(Z.rows(), Z.cols());
    double sum = 0.0;
    for (Eigen::Index t = 0; t < Z.rows(); ++t) {
      if (mask(t) == 0.0) continue;
      sum += log_p(t, y(t));
      // row t of P − Y_onehot
      r.dZ.row(t) = IeeeExp(log_p.row(t).array()).matrix();
      r.dZ(t, y(t)) -= 1.0;
    }
    if (Count(mask) == 0.0) return {0.0, r.dZ};
    r.loss = -sum / loss_by;
    r.dZ /= grad_by;
    return r;
  }
};

// n replaced by T in the loss and in dZ.
struct MeanOverAll : MaskedTokenLoss {
  static MaskedTokenLossResult masked_token_loss(const MatrixXd& Z, const VectorXi& y,
                                                 const VectorXd& mask) {
    const double t = static_cast<double>(Z.rows());
    return Scaled(Z, y, mask, t, t);
  }
};

// dZ = (P − Y_onehot) / n on every row, padding included.
struct MaskIgnoredInGradient : MaskedTokenLoss {
  static MaskedTokenLossResult masked_token_loss(const MatrixXd& Z, const VectorXi& y,
                                                 const VectorXd& mask) {
    MaskedTokenLossResult r = MaskedTokenLoss::masked_token_loss(Z, y, mask);
    const VectorXd all = VectorXd::Ones(mask.size());
    r.dZ = Scaled(Z, y, all, 1.0, Count(mask)).dZ;
    return r;
  }
};

// P = exp(Z) / Σ exp(Z) without the shift, then log P: inf/inf = NaN for large logits.
struct NoShift : MaskedTokenLoss {
  static MaskedTokenLossResult masked_token_loss(const MatrixXd& Z, const VectorXi& y,
                                                 const VectorXd& mask) {
    const Eigen::ArrayXXd e = IeeeExp(Z.array());
    const MatrixXd P = (e.colwise() / e.rowwise().sum()).matrix();
    const double n = Count(mask);
    MaskedTokenLossResult r;
    r.loss = 0.0;
    r.dZ = MatrixXd::Zero(Z.rows(), Z.cols());
    for (Eigen::Index t = 0; t < Z.rows(); ++t) {
      if (mask(t) == 0.0) continue;
      r.loss -= std::log(P(t, y(t)));
      r.dZ.row(t) = P.row(t);
      r.dZ(t, y(t)) -= 1.0;
    }
    r.loss /= n;
    r.dZ /= n;
    return r;
  }
};

// dZ = diag(mask) (P − Y_onehot): the 1/n missing from the gradient only.
struct GradNotDivided : MaskedTokenLoss {
  static MaskedTokenLossResult masked_token_loss(const MatrixXd& Z, const VectorXi& y,
                                                 const VectorXd& mask) {
    return Scaled(Z, y, mask, Count(mask), 1.0);
  }
};

}  // namespace

GRADER_PACK(Call<MaskedTokenLoss>,
            {
                {"mean_over_all_tokens", reference::Guard<Call<MeanOverAll>>},
                {"mask_ignored_in_gradient", reference::Guard<Call<MaskIgnoredInGradient>>},
                {"no_max_subtraction", reference::Guard<Call<NoShift>>},
                {"gradient_not_divided_by_count", reference::Guard<Call<GradNotDivided>>},
            })

}  // namespace problems::masked_token_loss
