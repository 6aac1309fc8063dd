// bce_with_logits's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
#include <Eigen/Dense>
#include <cmath>

#include "adapter.h"
#include "reference/ieee_exp.h"
#include "reference/pack.h"

namespace problems::bce_with_logits {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;
using reference::IeeeExp;

// σ(z) = 1/(1+e^{−z}) for z ≥ 0,  e^{z}/(1+e^{z}) for z < 0: the exponent is always −|z| ≤ 0,
// so nothing overflows (the same arithmetic as sigmoid's reference sigmoid_forward).
// Z: N×K -> σ(Z): N×K
MatrixXd StableSigmoid(const MatrixXd& Z) {
  // e = exp(−|z|) ∈ (0, 1]
  const ArrayXXd e = IeeeExp(-Z.array().abs());
  return (Z.array() >= 0.0).select(1.0 / (1.0 + e), e / (1.0 + e)).matrix();
}

struct BceWithLogits {
  // ℓ(z, y) = max(z, 0) − z·y + log1p(exp(−|z|))   (= −y log σ(z) − (1−y) log(1 − σ(z)))
  // L = (1/N) Σ_ik ℓ;  dZ = (σ(Z) − Y) / N.   Z, Y: N×K
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const double n = static_cast<double>(Z.rows());
    const ArrayXXd z = Z.array(), y = Y.array();
    const ArrayXXd softplus_neg_abs =
        IeeeExp(-z.abs()).unaryExpr([](double e) { return std::log1p(e); });
    const double total = (z.max(0.0) - z * y + softplus_neg_abs).sum();
    return {total / n, (StableSigmoid(Z) - Y) / n};
  }
};

// log σ and log(1 − σ) of a σ that has rounded to 0 or 1: log(0) = −inf.
struct NaiveLog : BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const ArrayXXd a = 1.0 / (1.0 + IeeeExp(-Z.array())), y = Y.array();
    const double n = static_cast<double>(Z.rows());
    return {-(y * a.log() + (1.0 - y) * (1.0 - a).log()).sum() / n, ((a - y) / n).matrix()};
  }
};

// The loss is stable but the gradient's σ is written e^z / (1 + e^z): for z ≥ 710 both exps
// overflow and inf/inf = NaN.   dZ = (e^Z / (1 + e^Z) − Y) / N
struct UnstableSigmoidGrad : BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const ArrayXXd e = IeeeExp(Z.array());
    const double n = static_cast<double>(Z.rows());
    return {BceWithLogits::bce_with_logits(Z, Y).loss, ((e / (1.0 + e) - Y.array()) / n).matrix()};
  }
};

// dZ = (Y − σ(Z)) / N.
struct GradSign : BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const BceResult r = BceWithLogits::bce_with_logits(Z, Y);
    return {r.loss, -r.dZ};
  }
};

// Mean over all N·K entries (PyTorch's default reduction) instead of over the N samples.
struct MeanAll : BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const BceResult r = BceWithLogits::bce_with_logits(Z, Y);
    const double k = static_cast<double>(Z.cols());
    return {r.loss / k, r.dZ / k};
  }
};

struct GradNoMean : BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const BceResult r = BceWithLogits::bce_with_logits(Z, Y);
    return {r.loss, r.dZ * static_cast<double>(Z.rows())};
  }
};

}  // namespace

GRADER_PACK(Call<BceWithLogits>,
            {
                {"naive_log_sigmoid", reference::Guard<Call<NaiveLog>>},
                {"gradient_unstable_sigmoid", reference::Guard<Call<UnstableSigmoidGrad>>},
                {"gradient_sign_flipped", reference::Guard<Call<GradSign>>},
                {"mean_over_all_entries", reference::Guard<Call<MeanAll>>},
                {"gradient_missing_batch_mean", reference::Guard<Call<GradNoMean>>},
            })

}  // namespace problems::bce_with_logits
