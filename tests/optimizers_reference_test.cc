// Reference self-checks of the optimizers, clipping and the schedule: steps computed by hand
// from the statements' formulas.
#include <gtest/gtest.h>

#include <cmath>

#include "reference/optimizers.h"
#include "tests/reference_check.h"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using namespace reference_check;

// --- optimizers (hand-computed steps) ---------------------------------------------------------

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
  const double expected[] = {0.0,  0.5,
                             1.0,  0.1 + 0.45 * (1 + std::cos(M_PI / 4)),
                             0.55, 0.1 + 0.45 * (1 + std::cos(3 * M_PI / 4)),
                             0.1,  0.1,
                             0.1};
  for (int step = 0; step < 9; ++step) {
    EXPECT_NEAR(reference::CosineSchedule::lr_at(step, s), expected[step], 1e-15) << step;
  }
}

}  // namespace
