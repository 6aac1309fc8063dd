// linear_forward's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/mutant_support.h"
#include "reference/pack.h"

namespace problems::linear_forward {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using reference::RequireSameDim;

// The fully connected (affine) layer. Rows are samples (CS231n).
struct Linear {
  // Y = X W + 1 bᵀ
  // X: N×D, W: D×M, b: M  ->  Y: N×M
  static MatrixXd linear_forward(const MatrixXd& X, const MatrixXd& W, const VectorXd& b) {
    return (X * W).rowwise() + b.transpose();
  }
};

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

}  // namespace

GRADER_PACK(Call<Linear>,
            {
                {"bias_broadcast_wrong_axis", reference::Guard<Call<BiasBroadcastWrongAxis>>},
                {"bias_not_added", reference::Guard<Call<BiasNotAdded>>},
                {"bias_summed_into_scalar", reference::Guard<Call<BiasSummedIntoScalar>>},
                {"weights_transposed", reference::Guard<Call<WeightsTransposed>>},
            })

}  // namespace problems::linear_forward
