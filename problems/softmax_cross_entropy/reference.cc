// softmax_cross_entropy's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
#include <Eigen/Dense>
#include <cmath>

#include "adapter.h"
#include "reference/ieee_exp.h"
#include "reference/pack.h"

namespace problems::softmax_cross_entropy {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;
using Eigen::VectorXi;
using reference::IeeeExp;

// log P[i,j] = (Z[i,j] − m_i) − log Σ_k exp(Z[i,k] − m_i),  m_i = max_k Z[i,k]
// (log-sum-exp with the row maximum: every exponent ≤ 0 and the sum is ≥ 1).
// Row-wise log-softmax, stable for any finite logits.   Z: N×C -> N×C
MatrixXd LogSoftmaxRows(const MatrixXd& Z) {
  // S = Z − m 1ᵀ   (N×C)
  const MatrixXd S = Z.colwise() - Z.rowwise().maxCoeff();
  // lse_i = log Σ_k exp(S[i,k])   (N)
  const Eigen::VectorXd lse = IeeeExp(S.array()).rowwise().sum().log().matrix();
  return S.colwise() - lse;
}

// P = exp(log_softmax(Z)), row-wise.   Z: N×C -> P: N×C
MatrixXd Softmax(const MatrixXd& Z) { return IeeeExp(LogSoftmaxRows(Z).array()).matrix(); }

struct SoftmaxCrossEntropy {
  // L = −(1/N) Σ_i log P[i, y_i];  dZ = (P − Y_onehot) / N   (CS231n softmax_loss).
  // Z: N×C, y: N -> loss: scalar, dZ: N×C
  // REQUIRES: 0 <= y[i] < Z.cols()
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    const double n = static_cast<double>(Z.rows());
    const MatrixXd log_p = LogSoftmaxRows(Z);
    SoftmaxCEResult r;
    r.dZ = IeeeExp(log_p.array()).matrix();
    double sum_log_p_true = 0.0;
    for (Eigen::Index i = 0; i < Z.rows(); ++i) {
      sum_log_p_true += log_p(i, y(i));
      r.dZ(i, y(i)) -= 1.0;  // P − Y_onehot
    }
    r.loss = -sum_log_p_true / n;
    r.dZ /= n;
    return r;
  }
};

MatrixXd NormalizeRows(const ArrayXXd& e) { return (e.colwise() / e.rowwise().sum()).matrix(); }

MatrixXd OneHot(const VectorXi& y, Eigen::Index classes) {
  MatrixXd Y = MatrixXd::Zero(y.size(), classes);
  for (Eigen::Index i = 0; i < y.size(); ++i) Y(i, y(i)) = 1.0;
  return Y;
}

// log(softmax(Z)) with the probability underflowing to 0.
struct LogOfSoftmax : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    const MatrixXd P = Softmax(Z);
    double loss = 0.0;
    for (Eigen::Index i = 0; i < Z.rows(); ++i) loss -= std::log(P(i, y(i)));
    const double n = static_cast<double>(Z.rows());
    return {loss / n, (P - OneHot(y, Z.cols())) / n};
  }
};

// Softmax without the shift, then log.
struct NoShift : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    const MatrixXd P = NormalizeRows(IeeeExp(Z.array()));
    double loss = 0.0;
    for (Eigen::Index i = 0; i < Z.rows(); ++i) loss -= std::log(P(i, y(i)));
    const double n = static_cast<double>(Z.rows());
    return {loss / n, (P - OneHot(y, Z.cols())) / n};
  }
};

// Sum over the batch (α = N on the loss and on dZ).
struct Sum : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    SoftmaxCEResult r = SoftmaxCrossEntropy::softmax_cross_entropy(Z, y);
    const double n = static_cast<double>(Z.rows());
    return {r.loss * n, r.dZ * n};
  }
};

// The one-hot is not subtracted: dZ = P / N.
struct NoOneHot : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    SoftmaxCEResult r = SoftmaxCrossEntropy::softmax_cross_entropy(Z, y);
    return {r.loss, Softmax(Z) / static_cast<double>(Z.rows())};
  }
};

// The gradient lacks the 1/N (the loss has it).
struct GradNoMean : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    SoftmaxCEResult r = SoftmaxCrossEntropy::softmax_cross_entropy(Z, y);
    return {r.loss, r.dZ * static_cast<double>(Z.rows())};
  }
};

// dZ = (Y − P) / N.
struct GradSign : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    SoftmaxCEResult r = SoftmaxCrossEntropy::softmax_cross_entropy(Z, y);
    return {r.loss, -r.dZ};
  }
};

}  // namespace

GRADER_PACK(Call<SoftmaxCrossEntropy>,
            {
                {"log_of_underflowed_softmax", reference::Guard<Call<LogOfSoftmax>>},
                {"no_max_subtraction", reference::Guard<Call<NoShift>>},
                {"sum_over_batch_instead_of_mean", reference::Guard<Call<Sum>>},
                {"onehot_not_subtracted", reference::Guard<Call<NoOneHot>>},
                {"gradient_missing_batch_mean", reference::Guard<Call<GradNoMean>>},
                {"gradient_sign_flipped", reference::Guard<Call<GradSign>>},
            })

}  // namespace problems::softmax_cross_entropy
