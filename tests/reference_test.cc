// Checks of the references themselves, independent of the registry and the grader:
// - each backward reference against central differences of its own forward (h = 1e-5, double,
//   CS231n's eval_numerical_gradient_array), as a vector-Jacobian product with a random dY;
// - each reference against small cases computed by hand from the formulas in its statement.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "reference/activations.h"
#include "reference/losses.h"
#include "reference/normalization.h"
#include "reference/optimizers.h"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// A fixed pseudo-random matrix with entries in [-scale, scale] (Eigen's Random is not
// reproducible across versions; this is).
MatrixXd Fixed(Eigen::Index rows, Eigen::Index cols, double scale, int salt) {
  MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    m(i) = scale * std::sin(1.0 + 0.7 * static_cast<double>(i) + 1.3 * salt);
  }
  return m;
}

// ∂/∂X of the scalar f(X), by central differences.
MatrixXd NumericalGradient(const std::function<double(const MatrixXd&)>& f, MatrixXd X) {
  constexpr double h = 1e-5;
  MatrixXd grad(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.size(); ++i) {
    const double x = X(i);
    X(i) = x + h;
    const double plus = f(X);
    X(i) = x - h;
    const double minus = f(X);
    X(i) = x;
    grad(i) = (plus - minus) / (2 * h);
  }
  return grad;
}

// max |a − b| / max(|a| + |b|, 1e-8), CS231n's rel_error.
double RelError(const MatrixXd& a, const MatrixXd& b) {
  EXPECT_EQ(a.rows(), b.rows());
  EXPECT_EQ(a.cols(), b.cols());
  return ((a - b).array().abs() / (a.array().abs() + b.array().abs()).max(1e-8)).maxCoeff();
}

// The VJP of an element-wise activation: backward(X, dY) = ∂/∂X Σ dY ⊙ forward(X).
void ExpectBackwardMatchesForward(
    const std::function<MatrixXd(const MatrixXd&)>& forward,
    const std::function<MatrixXd(const MatrixXd&, const MatrixXd&)>& backward, double scale) {
  const MatrixXd X = Fixed(4, 5, scale, 1), dY = Fixed(4, 5, 1.0, 2);
  const MatrixXd numeric =
      NumericalGradient([&](const MatrixXd& x) { return (dY.array() * forward(x).array()).sum(); }, X);
  EXPECT_LT(RelError(backward(X, dY), numeric), 1e-7);
}

TEST(ActivationReference, BackwardsMatchCentralDifferences) {
  ExpectBackwardMatchesForward(reference::Sigmoid::sigmoid_forward,
                               reference::Sigmoid::sigmoid_backward, 3.0);
  ExpectBackwardMatchesForward(reference::Tanh::tanh_forward, reference::Tanh::tanh_backward, 2.0);
  ExpectBackwardMatchesForward(reference::Gelu::gelu_forward, reference::Gelu::gelu_backward, 2.5);
}

TEST(ActivationReference, SigmoidHandCases) {
  MatrixXd Z(1, 4);
  Z << 0.0, std::log(3.0), -std::log(3.0), 800.0;
  MatrixXd A(1, 4);
  A << 0.5, 0.75, 0.25, 1.0;  // σ(ln 3) = 1/(1 + 1/3) = 3/4
  EXPECT_LT(RelError(reference::Sigmoid::sigmoid_forward(Z), A), 1e-15);
  MatrixXd extreme(1, 2);
  extreme << -800.0, 1000.0;
  const MatrixXd s = reference::Sigmoid::sigmoid_forward(extreme);
  EXPECT_LT(s(0, 0), 1e-300);  // e^{−800} underflows (to 0 or a subnormal), no NaN
  EXPECT_EQ(s(0, 1), 1.0);
  MatrixXd dA(1, 4);
  dA << 2.0, 1.0, 4.0, 1.0;
  MatrixXd dZ(1, 4);
  dZ << 2.0 * 0.25, 0.75 * 0.25, 4.0 * 0.25 * 0.75, 0.0;
  EXPECT_LT(RelError(reference::Sigmoid::sigmoid_backward(Z, dA), dZ), 1e-15);
}

TEST(ActivationReference, TanhHandCases) {
  MatrixXd Z(1, 3);
  Z << 0.0, std::atanh(0.5), -900.0;
  MatrixXd A(1, 3);
  A << 0.0, 0.5, -1.0;
  EXPECT_LT(RelError(reference::Tanh::tanh_forward(Z), A), 1e-15);
  MatrixXd dA(1, 3);
  dA << 3.0, 2.0, 1.0;
  MatrixXd dZ(1, 3);
  dZ << 3.0, 2.0 * 0.75, 0.0;  // 1 − 0.5² = 0.75
  EXPECT_LT(RelError(reference::Tanh::tanh_backward(Z, dA), dZ), 1e-15);
}

TEST(ActivationReference, GeluHandCases) {
  // x = 1: u = √(2/π)·1.044715 = 0.833554..., tanh u = 0.682...; Y = ½(1 + tanh u).
  const double c = std::sqrt(2.0 / M_PI);
  const double t1 = std::tanh(c * 1.044715);
  MatrixXd X(1, 3);
  X << 0.0, 1.0, -1.0;
  MatrixXd Y(1, 3);
  Y << 0.0, 0.5 * (1 + t1), -0.5 * (1 - t1);
  EXPECT_LT(RelError(reference::Gelu::gelu_forward(X), Y), 1e-15);
  EXPECT_NEAR(reference::Gelu::gelu_forward(X)(0, 1), 0.841192, 1e-6);  // published value
  // GELU'(0) = ½.
  EXPECT_DOUBLE_EQ(reference::Gelu::gelu_backward(MatrixXd::Zero(1, 1), MatrixXd::Ones(1, 1))(0, 0),
                   0.5);
}

// --- losses --------------------------------------------------------------------------------

TEST(LossReference, GradientsMatchCentralDifferences) {
  const MatrixXd Z = Fixed(4, 5, 2.0, 3), T = Fixed(4, 5, 1.0, 4);
  Eigen::VectorXi y(4);
  y << 2, 0, 4, 1;
  using reference::SoftmaxCrossEntropy;
  EXPECT_LT(RelError(SoftmaxCrossEntropy::softmax_cross_entropy(Z, y).dZ,
                     NumericalGradient([&](const MatrixXd& z) {
                       return SoftmaxCrossEntropy::softmax_cross_entropy(z, y).loss;
                     }, Z)),
            1e-7);
  EXPECT_LT(RelError(reference::Mse::mse_loss(Z, T).dYhat,
                     NumericalGradient([&](const MatrixXd& z) {
                       return reference::Mse::mse_loss(z, T).loss;
                     }, Z)),
            1e-7);
  const MatrixXd targets = (T.array() + 1.0) / 2.0;  // in [0, 1]
  EXPECT_LT(RelError(reference::BceWithLogits::bce_with_logits(Z, targets).dZ,
                     NumericalGradient([&](const MatrixXd& z) {
                       return reference::BceWithLogits::bce_with_logits(z, targets).loss;
                     }, Z)),
            1e-7);
  // The L2 penalty's weight gradient, with zero data gradients.
  const TwoLayerParams params{Fixed(3, 4, 1.0, 5), Fixed(4, 1, 1.0, 6), Fixed(4, 2, 1.0, 7),
                              Fixed(2, 1, 1.0, 8)};
  const TwoLayerParams zero{MatrixXd::Zero(3, 4), Eigen::VectorXd::Zero(4), MatrixXd::Zero(4, 2),
                            Eigen::VectorXd::Zero(2)};
  auto penalty_of_w1 = [&](const MatrixXd& w1) {
    TwoLayerParams p = params;
    p.W1 = w1;
    return reference::L2Regularization::l2_regularization(p, zero, 0.0, 0.7).loss;
  };
  const RegularizedLoss r = reference::L2Regularization::l2_regularization(params, zero, 0.0, 0.7);
  EXPECT_LT(RelError(r.grads.W1, NumericalGradient(penalty_of_w1, params.W1)), 1e-7);
  EXPECT_EQ(r.grads.b1, zero.b1);  // biases are not regularised
}

TEST(LossReference, SoftmaxHandCases) {
  MatrixXd Z(3, 2);
  Z << 0.0, std::log(3.0), 1000.0, 1000.0, -1000.0, -1000.0 + std::log(3.0);
  MatrixXd P(3, 2);
  P << 0.25, 0.75, 0.5, 0.5, 0.25, 0.75;
  EXPECT_LT(RelError(reference::Softmax::softmax(Z), P), 1e-12);  // −1000 + ln 3 rounds at 1e-13
}

TEST(LossReference, SoftmaxCrossEntropyHandCases) {
  // Uniform logits: P = 1/C everywhere, L = log C, dZ = (1/C − onehot)/N.
  Eigen::VectorXi y(2);
  y << 3, 0;
  const SoftmaxCEResult r = reference::SoftmaxCrossEntropy::softmax_cross_entropy(MatrixXd::Zero(2, 4), y);
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
  EXPECT_DOUBLE_EQ(reference::SoftmaxCrossEntropy::softmax_cross_entropy(far, second).loss, 2000.0);
}

TEST(LossReference, MseHandCase) {
  MatrixXd Yhat(2, 2), Y(2, 2);
  Yhat << 1, 2, 3, 4;
  Y << 0, 0, 1, 1;
  // differences 1, 2, 2, 3: Σ d² = 18; L = 18 / (2·2) = 4.5; dŶ = d / 2.
  const MseResult r = reference::Mse::mse_loss(Yhat, Y);
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
  const BceResult r = reference::BceWithLogits::bce_with_logits(Z, Y);
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
  const RegularizedLoss r = reference::L2Regularization::l2_regularization(params, grads, 1.5, 0.1);
  EXPECT_DOUBLE_EQ(r.loss, 2.4);
  EXPECT_LT(RelError(r.grads.W1, MatrixXd::Constant(2, 3, 0.1)), 1e-15);
  EXPECT_LT(RelError(r.grads.W2, MatrixXd::Constant(3, 1, 1.2)), 1e-15);
  EXPECT_EQ(r.grads.b1, grads.b1);
  EXPECT_EQ(r.grads.b2, grads.b2);
}

// --- optimizers (hand-computed steps) ---------------------------------------------------------

MatrixXd Row(std::initializer_list<double> values) {
  MatrixXd m(1, static_cast<Eigen::Index>(values.size()));
  Eigen::Index j = 0;
  for (double v : values) m(0, j++) = v;
  return m;
}

TEST(OptimizerReference, SgdAndMomentumHandSteps) {
  EXPECT_LT(RelError(reference::Sgd::sgd_step(Row({1, 2}), Row({0.5, -1}), 0.1), Row({0.95, 2.1})),
            1e-15);
  // μ = 0.5, lr = 0.1, g = 1 twice: v1 = −0.1, w1 = 0.9; v2 = −0.05 − 0.1 = −0.15, w2 = 0.75.
  MomentumState state{MatrixXd::Zero(1, 1)};
  MomentumStepResult r = reference::Momentum::momentum_step(Row({1}), Row({1}), state, 0.1, 0.5);
  EXPECT_NEAR(r.w(0, 0), 0.9, 1e-15);
  r = reference::Momentum::momentum_step(r.w, Row({1}), r.state, 0.1, 0.5);
  EXPECT_NEAR(r.state.velocity(0, 0), -0.15, 1e-15);
  EXPECT_NEAR(r.w(0, 0), 0.75, 1e-15);
}

TEST(OptimizerReference, RmspropHandStep) {
  // ρ = 0.9, g = 2: s = 0.1·4 = 0.4; w = 1 − 0.01·2/(√0.4 + 1e-3).
  const RmspropStepResult r = reference::Rmsprop::rmsprop_step(
      Row({1}), Row({2}), {MatrixXd::Zero(1, 1)}, RmspropConfig{0.01, 0.9, 1e-3});
  EXPECT_NEAR(r.state.s(0, 0), 0.4, 1e-15);
  EXPECT_NEAR(r.w(0, 0), 1 - 0.02 / (std::sqrt(0.4) + 1e-3), 1e-15);
}

TEST(OptimizerReference, AdamHandSteps) {
  const AdamConfig c{0.1, 0.5, 0.75, 1e-2};
  AdamState state{MatrixXd::Zero(1, 1), MatrixXd::Zero(1, 1), 0};
  // Step 1 (t = 1): m̂ = g, v̂ = g², so Δw = lr·g/(|g| + ε) = 0.1·3/3.01.
  AdamStepResult r = reference::Adam::adam_step(Row({1}), Row({3}), state, c);
  EXPECT_EQ(r.state.t, 1);
  EXPECT_NEAR(r.state.m(0, 0), 1.5, 1e-15);   // (1 − 0.5)·3
  EXPECT_NEAR(r.state.v(0, 0), 2.25, 1e-15);  // (1 − 0.75)·9
  EXPECT_NEAR(r.w(0, 0), 1 - 0.1 * 3 / 3.01, 1e-15);
  // Step 2, g = 1: m = 0.75 + 0.5 = 1.25, v = 1.6875 + 0.25 = 1.9375,
  // m̂ = 1.25/0.75, v̂ = 1.9375/0.4375.
  const double w1 = r.w(0, 0);
  r = reference::Adam::adam_step(r.w, Row({1}), r.state, c);
  EXPECT_EQ(r.state.t, 2);
  EXPECT_NEAR(r.state.m(0, 0), 1.25, 1e-15);
  EXPECT_NEAR(r.state.v(0, 0), 1.9375, 1e-15);
  EXPECT_NEAR(r.w(0, 0), w1 - 0.1 * (1.25 / 0.75) / (std::sqrt(1.9375 / 0.4375) + 1e-2), 1e-15);
}

TEST(OptimizerReference, AdamWDecaysTheWeightsBeforeTheStep) {
  const AdamWConfig c{0.1, 0.5, 0.75, 1e-2, 0.2};
  const AdamWStepResult r = reference::AdamW::adamw_step(
      Row({2}), Row({3}), {MatrixXd::Zero(1, 1), MatrixXd::Zero(1, 1), 0}, c);
  // w = 2 − 0.1·(3/3.01 + 0.2·2)
  EXPECT_NEAR(r.w(0, 0), 2 - 0.1 * (3 / 3.01 + 0.4), 1e-15);
  EXPECT_NEAR(r.state.m(0, 0), 1.5, 1e-15);  // the moments never see λw
}

TEST(OptimizerReference, ClipGradNormHandCases) {
  const std::vector<MatrixXd> grads = {Row({3}), Row({0, 4})};
  ClipResult r = reference::ClipGradNorm::clip_grad_norm(grads, 1.0);
  EXPECT_DOUBLE_EQ(r.total_norm, 5.0);
  EXPECT_LT(RelError(r.grads[0], Row({0.6})), 1e-15);
  EXPECT_LT(RelError(r.grads[1], Row({0, 0.8})), 1e-15);
  r = reference::ClipGradNorm::clip_grad_norm(grads, 10.0);
  EXPECT_EQ(r.grads[0], grads[0]);
  EXPECT_EQ(r.grads[1], grads[1]);
}

TEST(OptimizerReference, CosineScheduleHandValues) {
  const LrSchedule s{1.0, 0.1, 2, 6};
  const double expected[] = {0.0, 0.5, 1.0, 0.1 + 0.45 * (1 + std::cos(M_PI / 4)), 0.55,
                             0.1 + 0.45 * (1 + std::cos(3 * M_PI / 4)), 0.1, 0.1, 0.1};
  for (int step = 0; step < 9; ++step) {
    EXPECT_NEAR(reference::CosineSchedule::lr_at(step, s), expected[step], 1e-15) << step;
  }
}

// --- dropout and normalisation -----------------------------------------------------------------

TEST(NormalizationReference, BackwardsMatchCentralDifferences) {
  const MatrixXd X = Fixed(5, 4, 2.0, 9), dY = Fixed(5, 4, 1.0, 10);
  const VectorXd gamma = Fixed(4, 1, 0.5, 11).array() + 1.0, beta = Fixed(4, 1, 0.5, 12);
  const MatrixXd U = (Fixed(5, 4, 0.5, 13).array() + 0.5).matrix();  // in [0, 1]
  const double eps = 1e-5;
  auto vjp = [&](const MatrixXd& Y) { return (dY.array() * Y.array()).sum(); };

  // Dropout: the forward is linear in X for fixed draws.
  using reference::Dropout;
  EXPECT_LT(RelError(Dropout::dropout_backward(dY, U, 0.7),
                     NumericalGradient([&](const MatrixXd& x) {
                       return vjp(Dropout::dropout_forward(x, U, 0.7, true));
                     }, X)),
            1e-7);

  using reference::LayerNorm;
  const LayerNormGrads ln = LayerNorm::layernorm_backward(dY, X, gamma, eps);
  EXPECT_LT(RelError(ln.dX, NumericalGradient([&](const MatrixXd& x) {
              return vjp(LayerNorm::layernorm_forward(x, gamma, beta, eps));
            }, X)),
            1e-7);
  EXPECT_LT(RelError(ln.dgamma, NumericalGradient([&](const MatrixXd& g) {
              return vjp(LayerNorm::layernorm_forward(X, g, beta, eps));
            }, gamma)),
            1e-7);
  EXPECT_LT(RelError(ln.dbeta, NumericalGradient([&](const MatrixXd& b) {
              return vjp(LayerNorm::layernorm_forward(X, gamma, b, eps));
            }, beta)),
            1e-7);

  using reference::BatchNorm;
  const VectorXd rm = VectorXd::Zero(4), rv = VectorXd::Ones(4);
  auto bn = [&](const MatrixXd& x, const VectorXd& g, const VectorXd& b) {
    return BatchNorm::batchnorm_train(x, g, b, rm, rv, 0.1, eps).Y;
  };
  const BatchNormGrads grads = BatchNorm::batchnorm_backward(dY, X, gamma, eps);
  EXPECT_LT(RelError(grads.dX, NumericalGradient([&](const MatrixXd& x) {
              return vjp(bn(x, gamma, beta));
            }, X)),
            1e-7);
  EXPECT_LT(RelError(grads.dgamma, NumericalGradient([&](const MatrixXd& g) {
              return vjp(bn(X, g, beta));
            }, gamma)),
            1e-7);
  EXPECT_LT(RelError(grads.dbeta, NumericalGradient([&](const MatrixXd& b) {
              return vjp(bn(X, gamma, b));
            }, beta)),
            1e-7);
  // Invariant: each column of dX sums to 0 (the mean's gradient).
  EXPECT_LT(grads.dX.colwise().sum().cwiseAbs().maxCoeff(), 1e-12);
}

TEST(NormalizationReference, DropoutHandCases) {
  const MatrixXd X = Row({2, 4, 6}), U = Row({0.1, 0.9, 0.5});
  // p = 0.6 keeps U < 0.6 and scales by 1/0.6.
  EXPECT_LT(RelError(reference::Dropout::dropout_forward(X, U, 0.6, true),
                     Row({2 / 0.6, 0, 6 / 0.6})),
            1e-15);
  EXPECT_EQ(reference::Dropout::dropout_forward(X, U, 0.6, false), X);
  EXPECT_LT(RelError(reference::Dropout::dropout_backward(Row({1, 1, -3}), U, 0.6),
                     Row({1 / 0.6, 0, -3 / 0.6})),
            1e-15);
}

TEST(NormalizationReference, LayerNormHandCase) {
  // Row [1, 2, 3], ε = 0: μ = 2, σ² = 2/3, X̂ = [−1, 0, 1]/√(2/3).
  const double k = 1 / std::sqrt(2.0 / 3.0);
  VectorXd gamma(3), beta(3);
  gamma << 1, 2, 3;
  beta << 0, 1, 0;
  EXPECT_LT(RelError(reference::LayerNorm::layernorm_forward(Row({1, 2, 3}), gamma, beta, 0.0),
                     Row({-k, 1, 3 * k})),
            1e-15);
}

TEST(NormalizationReference, BatchNormHandCases) {
  MatrixXd X(2, 1);
  X << 1, 3;  // μ = 2, biased σ² = 1, unbiased 2, X̂ = [−1, 1]
  const VectorXd gamma = VectorXd::Constant(1, 2.0), beta = VectorXd::Constant(1, 0.5);
  const BatchNormTrainResult r = reference::BatchNorm::batchnorm_train(
      X, gamma, beta, VectorXd::Constant(1, 10.0), VectorXd::Constant(1, 4.0), 0.25, 0.0);
  MatrixXd Y(2, 1);
  Y << -1.5, 2.5;
  EXPECT_LT(RelError(r.Y, Y), 1e-15);
  EXPECT_DOUBLE_EQ(r.running_mean(0), 0.75 * 10 + 0.25 * 2);  // 8
  EXPECT_DOUBLE_EQ(r.running_var(0), 0.75 * 4 + 0.25 * 2);    // 3.5
  // Evaluation: 2·(3 − 1)/√4 + 0.5 = 2.5.
  EXPECT_DOUBLE_EQ(reference::BatchNorm::batchnorm_eval(Row({3}), gamma, beta,
                                                        VectorXd::Constant(1, 1.0),
                                                        VectorXd::Constant(1, 4.0), 0.0)(0, 0),
                   2.5);
}

}  // namespace
