// Reference self-checks of the optimizers, clipping and the schedule: steps computed by hand
// from the statements' formulas. The references live in their problem packs
// (problems/<id>/reference.cc): each is loaded as the grader loads it and evaluated through its
// entry, which starts from a zero state and feeds every step the state the previous one returned.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include "grader/problem_spec.h"
#include "harness/eigen_io.h"
#include "reference/registry.h"
#include "tests/reference_check.h"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using reference::AsMatrix;
using reference::AsScalar;
using reference::AsVector;
using reference::FromMatrix;
using reference::FromScalar;
using reference::Tensors;
using namespace reference_check;

// `entry` of problem `id`'s reference on `inputs`.
Tensors Reference(const std::string& id, const std::string& entry, const Tensors& inputs) {
  auto spec = grader::LoadProblem(std::filesystem::path(GRADER_SOURCE_DIR) / "problems" / id);
  EXPECT_TRUE(spec.ok()) << spec.status().message();
  const reference::ProblemCode* code = reference::FindProblemCode(id);
  EXPECT_NE(code, nullptr) << id;
  if (code == nullptr) return {};
  auto outputs = reference::Evaluate(code->reference, entry, inputs);
  EXPECT_TRUE(outputs.ok()) << outputs.status().message();
  return outputs.ok() ? *outputs : Tensors{};
}

// The one entry of a 1×1 matrix output.
double Scalar(const Tensors& out, const std::string& name) { return AsMatrix(out, name)(0, 0); }

// --- optimizers (hand-computed steps) ---------------------------------------------------------

TEST(OptimizerReference, SgdAndMomentumHandSteps) {
  const Tensors sgd = Reference("sgd_step", "sgd_sequence",
                                {{"w", FromMatrix(Row({1, 2}))},
                                 {"g1", FromMatrix(Row({0.5, -1}))},
                                 {"g2", FromMatrix(Row({0, 0}))},
                                 {"g3", FromMatrix(Row({0, 0}))},
                                 {"lr", FromScalar(0.1)}});
  EXPECT_LT(RelError(AsMatrix(sgd, "w_step1"), Row({0.95, 2.1})), 1e-15);
  // μ = 0.5, lr = 0.1, g = 1 twice: v1 = −0.1, w1 = 0.9; v2 = −0.05 − 0.1 = −0.15, w2 = 0.75;
  // then g = 0: v3 = −0.075, w3 = 0.675 (the velocity was carried).
  const Tensors r = Reference("momentum_step", "momentum_sequence",
                              {{"w", FromMatrix(Row({1}))},
                               {"g1", FromMatrix(Row({1}))},
                               {"g2", FromMatrix(Row({1}))},
                               {"g3", FromMatrix(Row({0}))},
                               {"lr", FromScalar(0.1)},
                               {"mu", FromScalar(0.5)}});
  EXPECT_NEAR(Scalar(r, "w_step1"), 0.9, 1e-15);
  EXPECT_NEAR(Scalar(r, "w_step2") - Scalar(r, "w_step1"), -0.15, 1e-15);  // v2
  EXPECT_NEAR(Scalar(r, "w_step2"), 0.75, 1e-15);
  EXPECT_NEAR(Scalar(r, "w_step3"), 0.675, 1e-15);
}

TEST(OptimizerReference, RmspropHandStep) {
  // ρ = 0.9, g = 2: s = 0.1·4 = 0.4; w = 1 − 0.01·2/(√0.4 + 1e-3).
  const Tensors r = Reference("rmsprop_step", "rmsprop_sequence",
                              {{"w", FromMatrix(Row({1}))},
                               {"g1", FromMatrix(Row({2}))},
                               {"g2", FromMatrix(Row({0}))},
                               {"g3", FromMatrix(Row({0}))},
                               {"lr", FromScalar(0.01)},
                               {"rho", FromScalar(0.9)},
                               {"eps", FromScalar(1e-3)}});
  EXPECT_NEAR(Scalar(r, "s_step1"), 0.4, 1e-15);
  EXPECT_NEAR(Scalar(r, "w_step1"), 1 - 0.02 / (std::sqrt(0.4) + 1e-3), 1e-15);
}

TEST(OptimizerReference, AdamHandSteps) {
  const Tensors r = Reference("adam_step", "adam_sequence",
                              {{"w", FromMatrix(Row({1}))},
                               {"g1", FromMatrix(Row({3}))},
                               {"g2", FromMatrix(Row({1}))},
                               {"g3", FromMatrix(Row({0}))},
                               {"lr", FromScalar(0.1)},
                               {"beta1", FromScalar(0.5)},
                               {"beta2", FromScalar(0.75)},
                               {"eps", FromScalar(1e-2)}});
  // Step 1 (t = 1): m̂ = g, v̂ = g², so Δw = lr·g/(|g| + ε) = 0.1·3/3.01.
  EXPECT_EQ(AsScalar(r, "t_step1"), 1);
  EXPECT_NEAR(Scalar(r, "m_step1"), 1.5, 1e-15);   // (1 − 0.5)·3
  EXPECT_NEAR(Scalar(r, "v_step1"), 2.25, 1e-15);  // (1 − 0.75)·9
  EXPECT_NEAR(Scalar(r, "w_step1"), 1 - 0.1 * 3 / 3.01, 1e-15);
  // Step 2, g = 1: m = 0.75 + 0.5 = 1.25, v = 1.6875 + 0.25 = 1.9375,
  // m̂ = 1.25/0.75, v̂ = 1.9375/0.4375.
  const double w1 = Scalar(r, "w_step1");
  EXPECT_EQ(AsScalar(r, "t_step2"), 2);
  EXPECT_NEAR(Scalar(r, "m_step2"), 1.25, 1e-15);
  EXPECT_NEAR(Scalar(r, "v_step2"), 1.9375, 1e-15);
  EXPECT_NEAR(Scalar(r, "w_step2"), w1 - 0.1 * (1.25 / 0.75) / (std::sqrt(1.9375 / 0.4375) + 1e-2),
              1e-15);
}

TEST(OptimizerReference, AdamWDecaysTheWeightsBeforeTheStep) {
  const Tensors r = Reference("adamw_step", "adamw_sequence",
                              {{"w", FromMatrix(Row({2}))},
                               {"g1", FromMatrix(Row({3}))},
                               {"g2", FromMatrix(Row({0}))},
                               {"g3", FromMatrix(Row({0}))},
                               {"lr", FromScalar(0.1)},
                               {"beta1", FromScalar(0.5)},
                               {"beta2", FromScalar(0.75)},
                               {"eps", FromScalar(1e-2)},
                               {"weight_decay", FromScalar(0.2)}});
  // w = 2 − 0.1·(3/3.01 + 0.2·2)
  EXPECT_NEAR(Scalar(r, "w_step1"), 2 - 0.1 * (3 / 3.01 + 0.4), 1e-15);
  EXPECT_NEAR(Scalar(r, "m_step1"), 1.5, 1e-15);  // the moments never see λw
}

TEST(OptimizerReference, ClipGradNormHandCases) {
  // G3 = 0 adds nothing to the norm.
  const Tensors grads = {
      {"G1", FromMatrix(Row({3}))}, {"G2", FromMatrix(Row({0, 4}))}, {"G3", FromMatrix(Row({0}))}};
  Tensors in = grads;
  in["max_norm"] = FromScalar(1.0);
  Tensors r = Reference("clip_grad_norm", "clip_grad_norm", in);
  EXPECT_DOUBLE_EQ(AsScalar(r, "total_norm"), 5.0);
  EXPECT_LT(RelError(AsMatrix(r, "G1"), Row({0.6})), 1e-15);
  EXPECT_LT(RelError(AsMatrix(r, "G2"), Row({0, 0.8})), 1e-15);
  in["max_norm"] = FromScalar(10.0);
  r = Reference("clip_grad_norm", "clip_grad_norm", in);
  EXPECT_EQ(AsMatrix(r, "G1"), AsMatrix(grads, "G1"));
  EXPECT_EQ(AsMatrix(r, "G2"), AsMatrix(grads, "G2"));
}

TEST(OptimizerReference, CosineScheduleHandValues) {
  // The entry returns lr_at for every step 0 .. total_steps + 2.
  const Tensors r = Reference("lr_schedule", "lr_schedule",
                              {{"lr_max", FromScalar(1.0)},
                               {"lr_min", FromScalar(0.1)},
                               {"warmup_steps", FromScalar(2)},
                               {"total_steps", FromScalar(6)}});
  const double expected[] = {0.0,  0.5,
                             1.0,  0.1 + 0.45 * (1 + std::cos(M_PI / 4)),
                             0.55, 0.1 + 0.45 * (1 + std::cos(3 * M_PI / 4)),
                             0.1,  0.1,
                             0.1};
  const VectorXd lr = AsVector(r, "lr");
  ASSERT_EQ(lr.size(), 9);
  for (int step = 0; step < 9; ++step) {
    EXPECT_NEAR(lr(step), expected[step], 1e-15) << step;
  }
}

}  // namespace
