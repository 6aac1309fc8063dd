// Reference self-checks of softmax, the losses and L2 regularisation: gradients vs central
// differences, and hand-computed cases from the statements. The references are the problems'
// packs (problems/<id>/reference.cc), loaded as the grader loads them and called through their
// entry points.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

#include "grader/problem_spec.h"
#include "harness/eigen_io.h"
#include "problems/bce_with_logits/api.h"
#include "problems/l2_regularization/api.h"
#include "problems/mse_loss/api.h"
#include "problems/softmax/api.h"
#include "problems/softmax_cross_entropy/api.h"
#include "reference/ieee_exp.h"
#include "reference/registry.h"
#include "tests/reference_check.h"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using namespace reference_check;

// Runs the entry of the same name of the reference of `problem` (loaded once) on `inputs`.
reference::Tensors RunReference(const std::string& problem, const reference::Tensors& inputs) {
  static std::map<std::string, const reference::ProblemCode*> loaded;
  const reference::ProblemCode*& code = loaded[problem];
  if (code == nullptr) {
    auto spec =
        grader::LoadProblem(std::filesystem::path(GRADER_SOURCE_DIR) / "problems" / problem);
    if (!spec.ok()) throw std::runtime_error(spec.status().message());
    code = reference::FindProblemCode(problem);
    if (code == nullptr) throw std::runtime_error("no code for " + problem);
  }
  auto outputs = reference::Evaluate(code->reference, problem, inputs);
  if (!outputs.ok()) throw std::runtime_error(outputs.status().message());
  return *outputs;
}

reference::Tensor Labels(const Eigen::VectorXi& y) {
  reference::Tensor t{reference::TensorKind::kLabels, y.size(), 1, {}};
  for (Eigen::Index i = 0; i < y.size(); ++i) t.values.push_back(static_cast<double>(y(i)));
  return t;
}

// The packs' references with the signatures of the problems' APIs.
namespace pack {

using namespace reference;

struct Softmax {
  static MatrixXd softmax(const MatrixXd& Z) {
    return AsMatrix(RunReference("softmax", {{"Z", FromMatrix(Z)}}), "P");
  }
};

struct SoftmaxCrossEntropy {
  static SoftmaxCEResult softmax_cross_entropy(const MatrixXd& Z, const Eigen::VectorXi& y) {
    const Tensors out =
        RunReference("softmax_cross_entropy", {{"Z", FromMatrix(Z)}, {"y", Labels(y)}});
    return {AsScalar(out, "loss"), AsMatrix(out, "dZ")};
  }
};

struct Mse {
  static MseResult mse_loss(const MatrixXd& Yhat, const MatrixXd& Y) {
    const Tensors out =
        RunReference("mse_loss", {{"Yhat", FromMatrix(Yhat)}, {"Y", FromMatrix(Y)}});
    return {AsScalar(out, "loss"), AsMatrix(out, "dYhat")};
  }
};

struct BceWithLogits {
  static BceResult bce_with_logits(const MatrixXd& Z, const MatrixXd& Y) {
    const Tensors out =
        RunReference("bce_with_logits", {{"Z", FromMatrix(Z)}, {"Y", FromMatrix(Y)}});
    return {AsScalar(out, "loss"), AsMatrix(out, "dZ")};
  }
};

struct L2Regularization {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    const Tensors out = RunReference("l2_regularization", {{"W1", FromMatrix(params.W1)},
                                                           {"b1", FromVector(params.b1)},
                                                           {"W2", FromMatrix(params.W2)},
                                                           {"b2", FromVector(params.b2)},
                                                           {"dW1", FromMatrix(grads.W1)},
                                                           {"db1", FromVector(grads.b1)},
                                                           {"dW2", FromMatrix(grads.W2)},
                                                           {"db2", FromVector(grads.b2)},
                                                           {"data_loss", FromScalar(data_loss)},
                                                           {"lambda", FromScalar(lambda)}});
    return {
        AsScalar(out, "loss"),
        {AsMatrix(out, "dW1"), AsVector(out, "db1"), AsMatrix(out, "dW2"), AsVector(out, "db2")}};
  }
};

}  // namespace pack

// --- losses --------------------------------------------------------------------------------

TEST(LossReference, GradientsMatchCentralDifferences) {
  const MatrixXd Z = Fixed(4, 5, 2.0, 3), T = Fixed(4, 5, 1.0, 4);
  Eigen::VectorXi y(4);
  y << 2, 0, 4, 1;
  using pack::SoftmaxCrossEntropy;
  EXPECT_LT(RelError(SoftmaxCrossEntropy::softmax_cross_entropy(Z, y).dZ,
                     NumericalGradient(
                         [&](const MatrixXd& z) {
                           return SoftmaxCrossEntropy::softmax_cross_entropy(z, y).loss;
                         },
                         Z)),
            1e-7);
  EXPECT_LT(RelError(pack::Mse::mse_loss(Z, T).dYhat,
                     NumericalGradient(
                         [&](const MatrixXd& z) { return pack::Mse::mse_loss(z, T).loss; }, Z)),
            1e-7);
  const MatrixXd targets = (T.array() + 1.0) / 2.0;  // in [0, 1]
  EXPECT_LT(RelError(pack::BceWithLogits::bce_with_logits(Z, targets).dZ,
                     NumericalGradient(
                         [&](const MatrixXd& z) {
                           return pack::BceWithLogits::bce_with_logits(z, targets).loss;
                         },
                         Z)),
            1e-7);
  // The L2 penalty's weight gradient, with zero data gradients.
  const TwoLayerParams params{Fixed(3, 4, 1.0, 5), Fixed(4, 1, 1.0, 6), Fixed(4, 2, 1.0, 7),
                              Fixed(2, 1, 1.0, 8)};
  const TwoLayerParams zero{MatrixXd::Zero(3, 4), Eigen::VectorXd::Zero(4), MatrixXd::Zero(4, 2),
                            Eigen::VectorXd::Zero(2)};
  auto penalty_of_w1 = [&](const MatrixXd& w1) {
    TwoLayerParams p = params;
    p.W1 = w1;
    return pack::L2Regularization::l2_regularization(p, zero, 0.0, 0.7).loss;
  };
  const RegularizedLoss r = pack::L2Regularization::l2_regularization(params, zero, 0.0, 0.7);
  EXPECT_LT(RelError(r.grads.W1, NumericalGradient(penalty_of_w1, params.W1)), 1e-7);
  EXPECT_EQ(r.grads.b1, zero.b1);  // biases are not regularised
}

// The behaviour the softmax mutant global_max_with_eigen_exp models: below ≈ −709.4 Eigen's
// vectorised exp is clamped (≈ 5.6e-309), std::exp underflows to 0.
TEST(LossReference, EigenVectorisedExpIsClampedNotZero) {
  EXPECT_EQ(std::exp(-800.0), 0.0);
  const double clamped = reference::EigenPacketExp(-800.0);
  EXPECT_GT(clamped, 5e-309);
  EXPECT_LT(clamped, 6e-309);
  EXPECT_EQ(reference::EigenPacketExp(-1000.0), clamped);
  EXPECT_NEAR(reference::EigenPacketExp(-2.0), std::exp(-2.0), 1e-15);
  // Assigned as in a learner's program: packets of two, a scalar std::exp for an odd tail.
  Eigen::ArrayXXd x = Eigen::ArrayXXd::Constant(3, 1, -800.0);
  const Eigen::ArrayXXd e = reference::EigenAssignedExp(x);
  EXPECT_EQ(e(0), clamped);
  EXPECT_EQ(e(1), clamped);
  EXPECT_EQ(e(2), 0.0);
}

TEST(LossReference, SoftmaxHandCases) {
  MatrixXd Z(3, 2);
  Z << 0.0, std::log(3.0), 1000.0, 1000.0, -1000.0, -1000.0 + std::log(3.0);
  MatrixXd P(3, 2);
  P << 0.25, 0.75, 0.5, 0.5, 0.25, 0.75;
  EXPECT_LT(RelError(pack::Softmax::softmax(Z), P), 1e-12);  // −1000 + ln 3 rounds at 1e-13
}

TEST(LossReference, SoftmaxCrossEntropyHandCases) {
  // Uniform logits: P = 1/C everywhere, L = log C, dZ = (1/C − onehot)/N.
  Eigen::VectorXi y(2);
  y << 3, 0;
  const SoftmaxCEResult r =
      pack::SoftmaxCrossEntropy::softmax_cross_entropy(MatrixXd::Zero(2, 4), y);
  EXPECT_NEAR(r.loss, std::log(4.0), 1e-15);
  MatrixXd dZ = MatrixXd::Constant(2, 4, 0.25 / 2);
  dZ(0, 3) -= 0.5;
  dZ(1, 0) -= 0.5;
  EXPECT_LT(RelError(r.dZ, dZ), 1e-15);
  // The true class 2000 below the maximum: L = 2000 + log(1 + e^{−2000}) = 2000, finite.
  MatrixXd far(1, 2);
  far << 1000.0, -1000.0;
  Eigen::VectorXi second(1);
  second << 1;
  EXPECT_DOUBLE_EQ(pack::SoftmaxCrossEntropy::softmax_cross_entropy(far, second).loss, 2000.0);
}

TEST(LossReference, MseHandCase) {
  MatrixXd Yhat(2, 2), Y(2, 2);
  Yhat << 1, 2, 3, 4;
  Y << 0, 0, 1, 1;
  // differences 1, 2, 2, 3: Σ d² = 18; L = 18 / (2·2) = 4.5; dŶ = d / 2.
  const MseResult r = pack::Mse::mse_loss(Yhat, Y);
  EXPECT_DOUBLE_EQ(r.loss, 4.5);
  MatrixXd d(2, 2);
  d << 0.5, 1.0, 1.0, 1.5;
  EXPECT_LT(RelError(r.dYhat, d), 1e-15);
}

TEST(LossReference, BceHandCases) {
  MatrixXd Z(1, 3), Y(1, 3);
  Z << 0.0, 1000.0, 1000.0;
  Y << 1.0, 1.0, 0.0;
  // ℓ(0, 1) = log 2; ℓ(1000, 1) = 0 (to within e^{−1000}); ℓ(1000, 0) = 1000. N = 1.
  const BceResult r = pack::BceWithLogits::bce_with_logits(Z, Y);
  EXPECT_DOUBLE_EQ(r.loss, std::log(2.0) + 1000.0);
  MatrixXd dZ(1, 3);
  dZ << -0.5, 0.0, 1.0;
  EXPECT_LT(RelError(r.dZ, dZ), 1e-15);
}

TEST(LossReference, L2HandCase) {
  const TwoLayerParams params{MatrixXd::Ones(2, 3), Eigen::VectorXd::Ones(3),
                              MatrixXd::Constant(3, 1, 2.0), Eigen::VectorXd::Ones(1)};
  const TwoLayerParams grads{MatrixXd::Zero(2, 3), Eigen::VectorXd::Constant(3, 0.5),
                             MatrixXd::Ones(3, 1), Eigen::VectorXd::Constant(1, -1.0)};
  // ‖W1‖² = 6, ‖W2‖² = 12: L = 1.5 + 0.1/2 · 18 = 2.4.
  const RegularizedLoss r = pack::L2Regularization::l2_regularization(params, grads, 1.5, 0.1);
  EXPECT_DOUBLE_EQ(r.loss, 2.4);
  EXPECT_LT(RelError(r.grads.W1, MatrixXd::Constant(2, 3, 0.1)), 1e-15);
  EXPECT_LT(RelError(r.grads.W2, MatrixXd::Constant(3, 1, 1.2)), 1e-15);
  EXPECT_EQ(r.grads.b1, grads.b1);
  EXPECT_EQ(r.grads.b2, grads.b2);
}

}  // namespace
