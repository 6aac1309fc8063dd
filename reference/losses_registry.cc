// Registration of softmax, the losses and L2 regularisation with their mutants
// (docs/misconceptions.md): each mutant is the reference with one function replaced by a catalogued
// misconception.
#include <cmath>

#include "problems/bce_with_logits/adapter.h"
#include "problems/l2_regularization/adapter.h"
#include "problems/mse_loss/adapter.h"
#include "problems/softmax/adapter.h"
#include "problems/softmax_cross_entropy/adapter.h"
#include "reference/activations.h"
#include "reference/groups.h"
#include "reference/ieee_exp.h"
#include "reference/losses.h"

namespace reference {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;
using Eigen::VectorXi;

// --- softmax ---------------------------------------------------------------------------------

MatrixXd NormalizeRows(const ArrayXXd& e) { return (e.colwise() / e.rowwise().sum()).matrix(); }

// exp of the raw logits overflows for logits > 709.8.
struct SoftmaxNoShift : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) { return NormalizeRows(IeeeExp(Z.array())); }
};

// Global maximum and global sum.
struct SoftmaxWholeBatch : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) {
    const ArrayXXd e = IeeeExp(Z.array() - Z.maxCoeff());
    return (e / e.sum()).matrix();
  }
};

// Per-row sums but the maximum of the whole batch.
struct SoftmaxGlobalMax : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) {
    return NormalizeRows(IeeeExp(Z.array() - Z.maxCoeff()));
  }
};

// The same mistake written with Eigen's `.array().exp()`: its vectorised exp clamps arguments
// below ≈ −709.4 to ≈ 5.6e-309 instead of 0, so a row far below the global maximum comes out
// finite (uniform, or weighted by the clamping) instead of NaN.
struct SoftmaxGlobalMaxEigenExp : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) {
    return NormalizeRows(EigenAssignedExp(Z.array() - Z.maxCoeff()));
  }
};

// Normalised over the batch axis (columns) instead of over the classes.
struct SoftmaxColumns : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) { return Softmax::softmax(Z.transpose()).transpose(); }
};

// Divides by the row maximum instead of subtracting it.
struct SoftmaxDivideByMax : Softmax {
  static MatrixXd softmax(const MatrixXd& Z) {
    return NormalizeRows(IeeeExp(Z.array().colwise() / Z.rowwise().maxCoeff().array()));
  }
};

// --- softmax cross-entropy -------------------------------------------------------------------

MatrixXd OneHot(const VectorXi& y, Eigen::Index classes) {
  MatrixXd Y = MatrixXd::Zero(y.size(), classes);
  for (Eigen::Index i = 0; i < y.size(); ++i) Y(i, y(i)) = 1.0;
  return Y;
}

// log(softmax(Z)) with the probability underflowing to 0.
struct CeLogOfSoftmax : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    const MatrixXd P = Softmax::softmax(Z);
    double loss = 0.0;
    for (Eigen::Index i = 0; i < Z.rows(); ++i) loss -= std::log(P(i, y(i)));
    const double n = static_cast<double>(Z.rows());
    return {loss / n, (P - OneHot(y, Z.cols())) / n};
  }
};

// Softmax without the shift, then log.
struct CeNoShift : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    const MatrixXd P = NormalizeRows(IeeeExp(Z.array()));
    double loss = 0.0;
    for (Eigen::Index i = 0; i < Z.rows(); ++i) loss -= std::log(P(i, y(i)));
    const double n = static_cast<double>(Z.rows());
    return {loss / n, (P - OneHot(y, Z.cols())) / n};
  }
};

// Sum over the batch (α = N on the loss and on dZ).
struct CeSum : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    SoftmaxCEResult r = SoftmaxCrossEntropy::softmax_cross_entropy(Z, y);
    const double n = static_cast<double>(Z.rows());
    return {r.loss * n, r.dZ * n};
  }
};

// The one-hot is not subtracted: dZ = P / N.
struct CeNoOneHot : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    SoftmaxCEResult r = SoftmaxCrossEntropy::softmax_cross_entropy(Z, y);
    return {r.loss, Softmax::softmax(Z) / static_cast<double>(Z.rows())};
  }
};

// The gradient lacks the 1/N (the loss has it).
struct CeGradNoMean : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    SoftmaxCEResult r = SoftmaxCrossEntropy::softmax_cross_entropy(Z, y);
    return {r.loss, r.dZ * static_cast<double>(Z.rows())};
  }
};

// dZ = (Y − P) / N.
struct CeGradSign : SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const VectorXi& y) {
    SoftmaxCEResult r = SoftmaxCrossEntropy::softmax_cross_entropy(Z, y);
    return {r.loss, -r.dZ};
  }
};

// --- mse -------------------------------------------------------------------------------------

// The convention without ½: L = (1/N) Σ d², dŶ = 2 d / N.
struct MseNoHalf : Mse {
  static MseResult mse_loss(const MatrixXd& Yhat, const MatrixXd& Y) {
    const MseResult r = Mse::mse_loss(Yhat, Y);
    return {2.0 * r.loss, 2.0 * r.dYhat};
  }
};

// Mean over all N·K entries instead of over the N samples (α = 1/K).
struct MseMeanAll : Mse {
  static MseResult mse_loss(const MatrixXd& Yhat, const MatrixXd& Y) {
    const MseResult r = Mse::mse_loss(Yhat, Y);
    const double k = static_cast<double>(Yhat.cols());
    return {r.loss / k, r.dYhat / k};
  }
};

// dŶ = (Y − Ŷ) / N.
struct MseGradSign : Mse {
  static MseResult mse_loss(const MatrixXd& Yhat, const MatrixXd& Y) {
    const MseResult r = Mse::mse_loss(Yhat, Y);
    return {r.loss, -r.dYhat};
  }
};

// The gradient lacks the 1/N.
struct MseGradNoMean : Mse {
  static MseResult mse_loss(const MatrixXd& Yhat, const MatrixXd& Y) {
    return {Mse::mse_loss(Yhat, Y).loss, Yhat - Y};
  }
};

// --- bce with logits -------------------------------------------------------------------------

// log σ and log(1 − σ) of a σ that has rounded to 0 or 1: log(0) = −inf.
struct BceNaiveLog : BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const ArrayXXd a = 1.0 / (1.0 + IeeeExp(-Z.array())), y = Y.array();
    const double n = static_cast<double>(Z.rows());
    return {-(y * a.log() + (1.0 - y) * (1.0 - a).log()).sum() / n, ((a - y) / n).matrix()};
  }
};

// The loss is stable but the gradient's σ is written e^z / (1 + e^z): for z ≥ 710 both exps
// overflow and inf/inf = NaN.   dZ = (e^Z / (1 + e^Z) − Y) / N
struct BceUnstableSigmoidGrad : BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const ArrayXXd e = IeeeExp(Z.array());
    const double n = static_cast<double>(Z.rows());
    return {BceWithLogits::bce_with_logits(Z, Y).loss, ((e / (1.0 + e) - Y.array()) / n).matrix()};
  }
};

// dZ = (Y − σ(Z)) / N.
struct BceGradSign : BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const BceResult r = BceWithLogits::bce_with_logits(Z, Y);
    return {r.loss, -r.dZ};
  }
};

// Mean over all N·K entries (PyTorch's default reduction) instead of over the N samples.
struct BceMeanAll : BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const BceResult r = BceWithLogits::bce_with_logits(Z, Y);
    const double k = static_cast<double>(Z.cols());
    return {r.loss / k, r.dZ / k};
  }
};

struct BceGradNoMean : BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const BceResult r = BceWithLogits::bce_with_logits(Z, Y);
    return {r.loss, r.dZ * static_cast<double>(Z.rows())};
  }
};

// --- l2 regularisation -----------------------------------------------------------------------

// The penalty's gradient λW is forgotten.
struct L2NoGradient : L2Regularization {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    RegularizedLoss r = L2Regularization::l2_regularization(params, grads, data_loss, lambda);
    r.grads = grads;
    return r;
  }
};

// The biases are regularised too.
struct L2Biases : L2Regularization {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    RegularizedLoss r = L2Regularization::l2_regularization(params, grads, data_loss, lambda);
    r.loss += 0.5 * lambda * (params.b1.squaredNorm() + params.b2.squaredNorm());
    r.grads.b1 += lambda * params.b1;
    r.grads.b2 += lambda * params.b2;
    return r;
  }
};

// ½λ‖W‖² differentiated as 2λW.
struct L2DoubledGradient : L2Regularization {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    return L2Regularization::l2_regularization(
        params, L2Regularization::l2_regularization(params, grads, 0.0, lambda).grads, data_loss,
        lambda);
  }
};

// The penalty is λ‖W‖² (no ½) while the gradient is λW.
struct L2PenaltyNoHalf : L2Regularization {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    RegularizedLoss r = L2Regularization::l2_regularization(params, grads, data_loss, lambda);
    r.loss += 0.5 * lambda * (params.W1.squaredNorm() + params.W2.squaredNorm());
    return r;
  }
};

const char kGradNoMean[] =
    "Your loss averages over the batch but your gradient does not: every entry of the gradient "
    "is N times too large. The 1/N of the mean appears in the derivative too.";

}  // namespace

std::vector<ProblemCode> LossProblems() {
  return {
      {"softmax",
       &problems::softmax::Call<Softmax>,
       {
           {"no_max_subtraction",
            "softmax",
            {"numerical-stability"},
            "Your softmax returns NaN for large logits: exp(1000) overflows to inf and inf/inf is "
            "NaN. Subtract each row's maximum before exponentiating; the result is unchanged "
            "because the factor exp(−max) cancels.",
            &problems::softmax::Call<SoftmaxNoShift>},
           {"normalized_over_whole_batch",
            "softmax",
            {"reduction-axis"},
            "Your probabilities sum to 1 over the whole batch instead of over each row. Take the "
            "maximum and the sum per row (per sample): rowwise(), not the whole matrix.",
            &problems::softmax::Call<SoftmaxWholeBatch>},
           {"global_max_subtraction",
            "softmax",
            {"numerical-stability", "reduction-axis"},
            "You subtract the maximum of the whole batch. A row whose logits are far below that "
            "maximum underflows to all zeros with std::exp, and 0/0 = NaN. Subtract each row's "
            "own maximum.",
            &problems::softmax::Call<SoftmaxGlobalMax>},
           {"global_max_with_eigen_exp",
            "softmax",
            {"numerical-stability", "reduction-axis"},
            "You subtract the maximum of the whole batch. A row whose logits are far below that "
            "maximum gets exponentials below ≈ 1e-307, which Eigen's vectorised exp returns as "
            "≈ 5.6e-309 (not 0): that row's probabilities come out nearly uniform instead of "
            "following its logits. Subtract each row's own maximum.",
            &problems::softmax::Call<SoftmaxGlobalMaxEigenExp>},
           {"normalized_over_columns",
            "softmax",
            {"reduction-axis"},
            "You normalised each column (over the batch) instead of each row (over the classes). "
            "Rows are samples: each row of P must sum to 1.",
            &problems::softmax::Call<SoftmaxColumns>},
           {"divides_by_max_instead_of_subtracting",
            "softmax",
            {"numerical-stability"},
            "You divided the logits by their maximum. Softmax is invariant to shifting the "
            "logits, not to scaling them: subtract the row maximum instead.",
            &problems::softmax::Call<SoftmaxDivideByMax>},
       }},
      {"softmax_cross_entropy",
       &problems::softmax_cross_entropy::Call<SoftmaxCrossEntropy>,
       {
           {"log_of_underflowed_softmax",
            "softmax_cross_entropy",
            {"numerical-stability"},
            "Your loss is infinite: when the true class is far below the maximum its probability "
            "underflows to 0 and log(0) = −inf. Compute log P directly with log-softmax: "
            "(z − max) − log Σ exp(z − max).",
            &problems::softmax_cross_entropy::Call<CeLogOfSoftmax>},
           {"no_max_subtraction",
            "softmax_cross_entropy",
            {"numerical-stability"},
            "Your softmax overflows for large logits (exp(1000) = inf, inf/inf = NaN). Subtract "
            "each row's maximum, and compute log P with log-softmax.",
            &problems::softmax_cross_entropy::Call<CeNoShift>},
           {"sum_over_batch_instead_of_mean",
            "softmax_cross_entropy",
            {"batch-averaging"},
            "Your loss and gradient are N times too large: you summed over the batch. The loss is "
            "the mean over the N samples, so divide both by N.",
            &problems::softmax_cross_entropy::Call<CeSum>},
           {"onehot_not_subtracted",
            "softmax_cross_entropy",
            {"loss-gradient"},
            "Your gradient is P/N: you forgot to subtract the one-hot labels. dZ = (P − Y)/N, "
            "so each row of dZ sums to 0.",
            &problems::softmax_cross_entropy::Call<CeNoOneHot>},
           {"gradient_missing_batch_mean",
            "softmax_cross_entropy",
            {"batch-averaging"},
            kGradNoMean,
            &problems::softmax_cross_entropy::Call<CeGradNoMean>},
           {"gradient_sign_flipped",
            "softmax_cross_entropy",
            {"sign"},
            "Your gradient has the wrong sign: dZ = (P − Y)/N, probabilities minus labels.",
            &problems::softmax_cross_entropy::Call<CeGradSign>},
       }},
      {"mse_loss",
       &problems::mse_loss::Call<Mse>,
       {
           {"without_half_convention",
            "mse_loss",
            {"loss-gradient"},
            "Your loss and gradient are twice the expected ones: you dropped the ½. This problem "
            "uses L = (1/(2N)) Σ (Ŷ − Y)², whose gradient is (Ŷ − Y)/N without a factor 2.",
            &problems::mse_loss::Call<MseNoHalf>},
           {"mean_over_all_entries",
            "mse_loss",
            {"batch-averaging"},
            "You averaged over all N·K entries. The loss averages over the N samples (rows) and "
            "sums over the K outputs: divide by N, not by N·K.",
            &problems::mse_loss::Call<MseMeanAll>},
           {"gradient_sign_flipped",
            "mse_loss",
            {"sign"},
            "Your gradient has the wrong sign: the derivative of ½(ŷ − y)² with respect to the "
            "prediction ŷ is (ŷ − y), not (y − ŷ).",
            &problems::mse_loss::Call<MseGradSign>},
           {"gradient_missing_batch_mean",
            "mse_loss",
            {"batch-averaging"},
            kGradNoMean,
            &problems::mse_loss::Call<MseGradNoMean>},
       }},
      {"bce_with_logits",
       &problems::bce_with_logits::Call<BceWithLogits>,
       {
           {"naive_log_sigmoid",
            "bce_with_logits",
            {"numerical-stability"},
            "Your loss is infinite for large logits: σ(z) rounds to exactly 1 (or 0) and "
            "log(1 − σ) = log(0) = −inf. Use max(z,0) − z·y + log1p(exp(−|z|)).",
            &problems::bce_with_logits::Call<BceNaiveLog>},
           {"gradient_unstable_sigmoid",
            "bce_with_logits",
            {"numerical-stability"},
            "Your gradient is NaN for large logits: you computed σ(z) as e^z/(1 + e^z), and for "
            "z ≥ 710 both exponentials overflow to inf and inf/inf = NaN. Use 1/(1 + e^(−z)) "
            "for z ≥ 0 (and e^z/(1 + e^z) only for z < 0).",
            &problems::bce_with_logits::Call<BceUnstableSigmoidGrad>},
           {"gradient_sign_flipped",
            "bce_with_logits",
            {"sign"},
            "Your gradient has the wrong sign: dL/dz = (σ(z) − y)/N, prediction minus target.",
            &problems::bce_with_logits::Call<BceGradSign>},
           {"mean_over_all_entries",
            "bce_with_logits",
            {"batch-averaging"},
            "You averaged over all N·K entries (PyTorch's default). This course's losses average "
            "over the N samples and sum over the K outputs: divide by N only.",
            &problems::bce_with_logits::Call<BceMeanAll>},
           {"gradient_missing_batch_mean",
            "bce_with_logits",
            {"batch-averaging"},
            kGradNoMean,
            &problems::bce_with_logits::Call<BceGradNoMean>},
       }},
      {"l2_regularization",
       &problems::l2_regularization::Call<L2Regularization>,
       {
           {"gradient_missing_penalty",
            "l2_regularization",
            {"regularization"},
            "You added the penalty to the loss but not its gradient: each weight gradient needs "
            "+ λW.",
            &problems::l2_regularization::Call<L2NoGradient>},
           {"biases_regularized",
            "l2_regularization",
            {"regularization"},
            "You regularised the biases. Weight decay applies to the weights only: leave b1, b2 "
            "out of the penalty and their gradients unchanged.",
            &problems::l2_regularization::Call<L2Biases>},
           {"doubled_weight_gradient",
            "l2_regularization",
            {"regularization"},
            "Your weight gradients add 2λW. With the ½ convention, (λ/2)‖W‖² has gradient λW.",
            &problems::l2_regularization::Call<L2DoubledGradient>},
           {"penalty_without_half",
            "l2_regularization",
            {"regularization"},
            "Your loss adds λ‖W‖², twice the penalty. The convention is (λ/2)‖W‖², whose "
            "gradient λW you already use.",
            &problems::l2_regularization::Call<L2PenaltyNoHalf>},
       }},
  };
}

}  // namespace reference
