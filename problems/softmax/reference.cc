// softmax's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/ieee_exp.h"
#include "reference/pack.h"

namespace problems::softmax {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;
using reference::EigenAssignedExp;
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

struct Softmax {
  // P = exp(log_softmax(Z)), row-wise.   Z: N×C -> P: N×C
  static MatrixXd softmax(const MatrixXd& Z) { return IeeeExp(LogSoftmaxRows(Z).array()).matrix(); }
};

MatrixXd NormalizeRows(const ArrayXXd& e) { return (e.colwise() / e.rowwise().sum()).matrix(); }

// exp of the raw logits overflows for logits > 709.8.
struct NoShift : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) { return NormalizeRows(IeeeExp(Z.array())); }
};

// Global maximum and global sum.
struct WholeBatch : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) {
    const ArrayXXd e = IeeeExp(Z.array() - Z.maxCoeff());
    return (e / e.sum()).matrix();
  }
};

// Per-row sums but the maximum of the whole batch.
struct GlobalMax : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) {
    return NormalizeRows(IeeeExp(Z.array() - Z.maxCoeff()));
  }
};

// The same mistake written with Eigen's `.array().exp()`: its vectorised exp clamps arguments
// below ≈ −709.4 to ≈ 5.6e-309 instead of 0, so a row far below the global maximum comes out
// finite (uniform, or weighted by the clamping) instead of NaN.
struct GlobalMaxEigenExp : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) {
    return NormalizeRows(EigenAssignedExp(Z.array() - Z.maxCoeff()));
  }
};

// Normalised over the batch axis (columns) instead of over the classes.
struct Columns : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) { return Softmax::softmax(Z.transpose()).transpose(); }
};

// Divides by the row maximum instead of subtracting it.
struct DivideByMax : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) {
    return NormalizeRows(IeeeExp(Z.array().colwise() / Z.rowwise().maxCoeff().array()));
  }
};

}  // namespace

GRADER_PACK(Call<Softmax>,
            {
                {"no_max_subtraction", reference::Guard<Call<NoShift>>},
                {"normalized_over_whole_batch", reference::Guard<Call<WholeBatch>>},
                {"global_max_subtraction", reference::Guard<Call<GlobalMax>>},
                {"global_max_with_eigen_exp", reference::Guard<Call<GlobalMaxEigenExp>>},
                {"normalized_over_columns", reference::Guard<Call<Columns>>},
                {"divides_by_max_instead_of_subtracting", reference::Guard<Call<DivideByMax>>},
            })

}  // namespace problems::softmax
