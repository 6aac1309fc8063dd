// Mutants of the linear layer (docs/misconceptions.md).
#include "problems/linear_backward/adapter.h"
#include "problems/linear_forward/adapter.h"
#include "reference/linear.h"
#include "reference/mutant_support.h"
#include "reference/mutants.h"

namespace reference {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// --- linear_forward -----------------------------------------------------------------------

// Y = X W + b 1ᵀ (colwise): needs N = M; otherwise Eigen's check fails in the learner's program.
struct BiasBroadcastWrongAxis : Linear {
  static MatrixXd linear_forward(const MatrixXd& X, const MatrixXd& W, const VectorXd& b) {
    RequireSameDim(X.rows(), b.size(), "colwise bias: rows of XW vs length of b");
    return (X * W).colwise() + b;
  }
};

// Y = X W
struct BiasNotAdded : Linear {
  static MatrixXd linear_forward(const MatrixXd& X, const MatrixXd& W, const VectorXd&) {
    return X * W;
  }
};

// Y = X W + Σ_j b_j
struct BiasSummedIntoScalar : Linear {
  static MatrixXd linear_forward(const MatrixXd& X, const MatrixXd& W, const VectorXd& b) {
    return ((X * W).array() + b.sum()).matrix();
  }
};

// Y = X Wᵀ + 1 bᵀ: needs D = M.
struct WeightsTransposed : Linear {
  static MatrixXd linear_forward(const MatrixXd& X, const MatrixXd& W, const VectorXd& b) {
    RequireSameDim(X.cols(), W.cols(), "X Wᵀ: columns of X vs columns of W");
    return (X * W.transpose()).rowwise() + b.transpose();
  }
};

// --- linear_backward ----------------------------------------------------------------------

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

std::vector<Mutant> LinearForwardMutants() {
  using problems::linear_forward::Call;
  return {
      {"bias_broadcast_wrong_axis",
       "linear_forward",
       {"bias-broadcast"},
       "You added the bias down the columns (one b_i per sample) instead of along each row. "
       "Y is N×M and b has one entry per output column, so add bᵀ to every row: "
       "Y = (X * W).rowwise() + b.transpose().",
       &Call<BiasBroadcastWrongAxis>},
      {"bias_not_added",
       "linear_forward",
       {"bias-broadcast"},
       "You left out the bias term. The layer computes Y = X W + 1 bᵀ: add b_j to every entry "
       "of column j.",
       &Call<BiasNotAdded>},
      {"bias_summed_into_scalar",
       "linear_forward",
       {"bias-broadcast"},
       "You added the sum of all biases to every entry. Each output column j has its own bias "
       "b_j: add b as a row vector to every row of X W.",
       &Call<BiasSummedIntoScalar>},
      {"weights_transposed",
       "linear_forward",
       {"matmul-shapes"},
       "You multiplied by Wᵀ, treating W as M×D (PyTorch's nn.Linear layout). Here W is D×M, "
       "so Y = X W: check the shapes, (N×D)(D×M) = N×M.",
       &Call<WeightsTransposed>},
  };
}

std::vector<Mutant> LinearBackwardMutants() {
  using problems::linear_backward::Call;
  return {
      {"averaged_over_batch",
       "linear_backward",
       {"batch-averaging", "chain-rule"},
       "You divided the gradients by the batch size N again. dY already carries the 1/N of a "
       "mean loss; the backward pass of a linear layer only applies the chain rule: "
       "dX = dY Wᵀ, dW = Xᵀ dY, db = Σ_i dY[i,:].",
       &Call<AveragedOverBatch>},
      {"db_mean_instead_of_sum",
       "linear_backward",
       {"batch-averaging"},
       "You averaged dY over the batch for db instead of summing it. The bias is used by every "
       "sample, so its gradient is the sum of the per-sample gradients: db = Σ_i dY[i,:].",
       &Call<DbMeanInsteadOfSum>},
      {"db_summed_over_features",
       "linear_backward",
       {"reduction-axis"},
       "You summed db over the wrong axis (one value per sample instead of per output). b has "
       "one entry per output column: sum dY over the rows, db = dY.colwise().sum().",
       &Call<DbSummedOverFeatures>},
      {"dw_transposed",
       "linear_backward",
       {"matmul-shapes"},
       "You computed dW = dYᵀ X, the transpose of the gradient. dW must have W's shape D×M: "
       "dW = Xᵀ dY, (D×N)(N×M).",
       &Call<DwTransposed>},
      {"dx_without_transpose",
       "linear_backward",
       {"matmul-shapes"},
       "You multiplied dY by W instead of Wᵀ for dX, a dimension mismatch. dX must have X's "
       "shape N×D: dX = dY Wᵀ, (N×M)(M×D).",
       &Call<DxWithoutTranspose>},
  };
}

}  // namespace reference
