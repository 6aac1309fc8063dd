// mse_loss's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::mse_loss {
namespace {

using Eigen::MatrixXd;

struct Mse {
  // L = (1/(2N)) Σ_ik (Ŷ − Y)²;  dŶ = (Ŷ − Y) / N.   Ŷ, Y: N×K
  static MseResult mse_loss(const MatrixXd& Yhat, const MatrixXd& Y) {
    const double n = static_cast<double>(Yhat.rows());
    const MatrixXd diff = Yhat - Y;
    return {diff.squaredNorm() / (2.0 * n), diff / n};
  }
};

// The convention without ½: L = (1/N) Σ d², dŶ = 2 d / N.
struct NoHalf : Mse {
  static MseResult mse_loss(const MatrixXd& Yhat, const MatrixXd& Y) {
    const MseResult r = Mse::mse_loss(Yhat, Y);
    return {2.0 * r.loss, 2.0 * r.dYhat};
  }
};

// Mean over all N·K entries instead of over the N samples (α = 1/K).
struct MeanAll : Mse {
  static MseResult mse_loss(const MatrixXd& Yhat, const MatrixXd& Y) {
    const MseResult r = Mse::mse_loss(Yhat, Y);
    const double k = static_cast<double>(Yhat.cols());
    return {r.loss / k, r.dYhat / k};
  }
};

// dŶ = (Y − Ŷ) / N.
struct GradSign : Mse {
  static MseResult mse_loss(const MatrixXd& Yhat, const MatrixXd& Y) {
    const MseResult r = Mse::mse_loss(Yhat, Y);
    return {r.loss, -r.dYhat};
  }
};

// The gradient lacks the 1/N.
struct GradNoMean : Mse {
  static MseResult mse_loss(const MatrixXd& Yhat, const MatrixXd& Y) {
    return {Mse::mse_loss(Yhat, Y).loss, Yhat - Y};
  }
};

}  // namespace

GRADER_PACK(Call<Mse>, {
                           {"without_half_convention", reference::Guard<Call<NoHalf>>},
                           {"mean_over_all_entries", reference::Guard<Call<MeanAll>>},
                           {"gradient_sign_flipped", reference::Guard<Call<GradSign>>},
                           {"gradient_missing_batch_mean", reference::Guard<Call<GradNoMean>>},
                       })

}  // namespace problems::mse_loss
