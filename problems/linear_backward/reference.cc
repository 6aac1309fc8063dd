// linear_backward's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/mutant_support.h"
#include "reference/pack.h"

namespace problems::linear_backward {
namespace {

using Eigen::MatrixXd;
using reference::RequireSameDim;

// The fully connected (affine) layer. Rows are samples (CS231n).
struct Linear {
  // dX = dY Wᵀ        (N×M)(M×D) -> N×D
  // dW = Xᵀ dY        (D×N)(N×M) -> D×M
  // db = Σ_i dY[i,:]  column sums -> M
  // (CS231n affine_backward; the gradient of a sum of outer products.)
  static LinearGrads linear_backward(const MatrixXd& X, const MatrixXd& W, const MatrixXd& dY) {
    LinearGrads grads;
    grads.dX = dY * W.transpose();
    grads.dW = X.transpose() * dY;
    grads.db = dY.colwise().sum().transpose();
    return grads;
  }
};

// dX, dW, db all divided by N again (dY already carries the 1/N of a mean loss).
struct AveragedOverBatch : Linear {
  static LinearGrads linear_backward(const MatrixXd& X, const MatrixXd& W, const MatrixXd& dY) {
    const double n = static_cast<double>(X.rows());
    LinearGrads g = Linear::linear_backward(X, W, dY);
    g.dX /= n;
    g.dW /= n;
    g.db /= n;
    return g;
  }
};

// db = (1/N) Σ_i dY[i,:]
struct DbMeanInsteadOfSum : Linear {
  static LinearGrads linear_backward(const MatrixXd& X, const MatrixXd& W, const MatrixXd& dY) {
    LinearGrads g = Linear::linear_backward(X, W, dY);
    g.db = dY.colwise().mean().transpose();
    return g;
  }
};

// db = Σ_j dY[:,j]   (length N instead of M)
struct DbSummedOverFeatures : Linear {
  static LinearGrads linear_backward(const MatrixXd& X, const MatrixXd& W, const MatrixXd& dY) {
    LinearGrads g = Linear::linear_backward(X, W, dY);
    g.db = dY.rowwise().sum();
    return g;
  }
};

// dW = dYᵀ X   (M×D instead of D×M)
struct DwTransposed : Linear {
  static LinearGrads linear_backward(const MatrixXd& X, const MatrixXd& W, const MatrixXd& dY) {
    LinearGrads g = Linear::linear_backward(X, W, dY);
    g.dW = dY.transpose() * X;
    return g;
  }
};

// dX = dY W: needs M = D.
struct DxWithoutTranspose : Linear {
  static LinearGrads linear_backward(const MatrixXd& X, const MatrixXd& W, const MatrixXd& dY) {
    RequireSameDim(dY.cols(), W.rows(), "dY W: columns of dY vs rows of W");
    LinearGrads g = Linear::linear_backward(X, W, dY);
    g.dX = dY * W;
    return g;
  }
};

}  // namespace

GRADER_PACK(Call<Linear>,
            {
                {"averaged_over_batch", reference::Guard<Call<AveragedOverBatch>>},
                {"db_mean_instead_of_sum", reference::Guard<Call<DbMeanInsteadOfSum>>},
                {"db_summed_over_features", reference::Guard<Call<DbSummedOverFeatures>>},
                {"dw_transposed", reference::Guard<Call<DwTransposed>>},
                {"dx_without_transpose", reference::Guard<Call<DxWithoutTranspose>>},
            })

}  // namespace problems::linear_backward
