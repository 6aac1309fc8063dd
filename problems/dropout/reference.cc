// dropout's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::dropout {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;

// Inverted dropout: the uniform draws are an input.
struct Dropout {
  // mask = 1[U < p] / p   (inverted dropout, CS231n; p = keep probability)
  // train: Y = X ⊙ mask;  eval: Y = X.   X, U: N×D
  // REQUIRES: 0 < p <= 1 (p is the keep probability)
  static MatrixXd dropout_forward(const MatrixXd& X, const MatrixXd& U, double p, bool train) {
    if (!train) return X;
    const ArrayXXd mask = (U.array() < p).cast<double>() / p;
    return (X.array() * mask).matrix();
  }

  // dX = dY ⊙ mask, the forward pass's mask.   dY, U: N×D
  static MatrixXd dropout_backward(const MatrixXd& dY, const MatrixXd& U, double p) {
    const ArrayXXd mask = (U.array() < p).cast<double>() / p;
    return (dY.array() * mask).matrix();
  }
};

ArrayXXd Keep(const MatrixXd& U, double p) { return (U.array() < p).cast<double>(); }

struct NoScale : Dropout {
  static MatrixXd dropout_forward(const MatrixXd& X, const MatrixXd& U, double p, bool train) {
    return train ? (X.array() * Keep(U, p)).matrix() : X;
  }
};
struct DropProbability : Dropout {
  static MatrixXd dropout_forward(const MatrixXd& X, const MatrixXd& U, double p, bool train) {
    return train ? (X.array() * (U.array() > p).cast<double>() / (1.0 - p)).matrix() : X;
  }
};
struct MaskAtEval : Dropout {
  static MatrixXd dropout_forward(const MatrixXd& X, const MatrixXd& U, double p, bool) {
    return Dropout::dropout_forward(X, U, p, true);
  }
};
struct ScaledAtEval : Dropout {
  static MatrixXd dropout_forward(const MatrixXd& X, const MatrixXd& U, double p, bool train) {
    return train ? Dropout::dropout_forward(X, U, p, true) : MatrixXd(p * X);
  }
};
struct BackwardNoScale : Dropout {
  static MatrixXd dropout_backward(const MatrixXd& dY, const MatrixXd& U, double p) {
    return (dY.array() * Keep(U, p)).matrix();
  }
};
struct BackwardNoUpstream : Dropout {
  static MatrixXd dropout_backward(const MatrixXd& dY, const MatrixXd& U, double p) {
    return Dropout::dropout_backward(MatrixXd::Ones(dY.rows(), dY.cols()), U, p);
  }
};

}  // namespace

GRADER_PACK(Call<Dropout>,
            {
                {"no_inverted_scaling", reference::Guard<Call<NoScale>>},
                {"p_as_drop_probability", reference::Guard<Call<DropProbability>>},
                {"mask_applied_at_eval", reference::Guard<Call<MaskAtEval>>},
                {"scaled_at_eval", reference::Guard<Call<ScaledAtEval>>},
                {"backward_without_scale", reference::Guard<Call<BackwardNoScale>>},
                {"backward_without_upstream", reference::Guard<Call<BackwardNoUpstream>>},
            })

}  // namespace problems::dropout
