// Reference self-checks of multihead_attention and transformer_block against the packs they are
// built from: multi-head attention is the attention pack's single-head attention run on each
// head's block of columns, and the block is the composition of the layernorm, multihead_attention
// and gelu packs. Each pack re-implements its layers (a pack includes no other pack), so these
// tests are what ties the copies together. Plus an element-wise central-difference check of the
// multi-head backward and hand-computed cases from the statements.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <string>

#include "harness/eigen_io.h"
#include "tests/pack_reference.h"
#include "tests/reference_check.h"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using reference::AsMatrix;
using reference::FromMatrix;
using reference::FromScalar;
using reference::FromVector;
using reference::Tensors;
using namespace reference_check;

struct MhaCase {
  MatrixXd X, Wq, Wk, Wv, Wo;
  int heads;
};

MhaCase FixedMhaCase() {
  // T = 5 tokens, D = 6 features, 3 heads of width 2.
  return {Fixed(5, 6, 1.0, 1), Fixed(6, 6, 0.6, 2), Fixed(6, 6, 0.6, 3),
          Fixed(6, 6, 0.6, 4), Fixed(6, 6, 0.6, 5), 3};
}

Tensors MhaInputs(const MhaCase& c) {
  return {{"X", FromMatrix(c.X)},   {"Wq", FromMatrix(c.Wq)}, {"Wk", FromMatrix(c.Wk)},
          {"Wv", FromMatrix(c.Wv)}, {"Wo", FromMatrix(c.Wo)}, {"heads", FromScalar(c.heads)}};
}

std::string Mode(const std::string& entry, bool causal) {
  return causal ? entry + "_causal" : entry;
}

MatrixXd MhaForward(const MhaCase& c, bool causal) {
  return AsMatrix(
      RunPack("multihead_attention", Mode("multihead_attention_forward", causal), MhaInputs(c)),
      "Y");
}

TEST(MultiheadAttentionReference, IsTheAttentionPackPerHeadThenTheOutputProjection) {
  const MhaCase c = FixedMhaCase();
  const MatrixXd Q = c.X * c.Wq, K = c.X * c.Wk, V = c.X * c.Wv;
  const Eigen::Index d_k = c.X.cols() / c.heads;
  for (bool causal : {false, true}) {
    // C = [O_0 | O_1 | O_2], head h on the columns [h·Dk, (h+1)·Dk).
    MatrixXd C(c.X.rows(), c.X.cols());
    for (int h = 0; h < c.heads; ++h) {
      C.middleCols(h * d_k, d_k) =
          AsMatrix(RunPack("attention", Mode("attention_forward", causal),
                           {{"Q", FromMatrix(Q.middleCols(h * d_k, d_k))},
                            {"K", FromMatrix(K.middleCols(h * d_k, d_k))},
                            {"V", FromMatrix(V.middleCols(h * d_k, d_k))}}),
                   "O");
    }
    EXPECT_LT(RelError(MhaForward(c, causal), C * c.Wo), 1e-12) << "causal " << causal;
  }
}

TEST(MultiheadAttentionReference, BackwardIsTheAttentionPackBackwardPerHead) {
  const MhaCase c = FixedMhaCase();
  const MatrixXd dY = Fixed(5, 6, 1.0, 6);
  const MatrixXd Q = c.X * c.Wq, K = c.X * c.Wk, V = c.X * c.Wv;
  const Eigen::Index d_k = c.X.cols() / c.heads;
  for (bool causal : {false, true}) {
    MatrixXd C(5, 6), dQ(5, 6), dK(5, 6), dV(5, 6);
    const MatrixXd dC = dY * c.Wo.transpose();
    for (int h = 0; h < c.heads; ++h) {
      const Tensors head = {{"Q", FromMatrix(Q.middleCols(h * d_k, d_k))},
                            {"K", FromMatrix(K.middleCols(h * d_k, d_k))},
                            {"V", FromMatrix(V.middleCols(h * d_k, d_k))}};
      Tensors with_upstream = head;
      with_upstream["dO"] = FromMatrix(dC.middleCols(h * d_k, d_k));
      C.middleCols(h * d_k, d_k) =
          AsMatrix(RunPack("attention", Mode("attention_forward", causal), head), "O");
      const Tensors g = RunPack("attention", Mode("attention_backward", causal), with_upstream);
      dQ.middleCols(h * d_k, d_k) = AsMatrix(g, "dQ");
      dK.middleCols(h * d_k, d_k) = AsMatrix(g, "dK");
      dV.middleCols(h * d_k, d_k) = AsMatrix(g, "dV");
    }
    Tensors inputs = MhaInputs(c);
    inputs["dY"] = FromMatrix(dY);
    const Tensors got =
        RunPack("multihead_attention", Mode("multihead_attention_backward", causal), inputs);
    EXPECT_LT(RelError(AsMatrix(got, "dWo"), C.transpose() * dY), 1e-12);
    EXPECT_LT(RelError(AsMatrix(got, "dWq"), c.X.transpose() * dQ), 1e-12);
    EXPECT_LT(RelError(AsMatrix(got, "dWk"), c.X.transpose() * dK), 1e-12);
    EXPECT_LT(RelError(AsMatrix(got, "dWv"), c.X.transpose() * dV), 1e-12);
    EXPECT_LT(RelError(AsMatrix(got, "dX"),
                       dQ * c.Wq.transpose() + dK * c.Wk.transpose() + dV * c.Wv.transpose()),
              1e-12);
  }
}

// Every entry of every gradient against central differences of L = Σ dY ⊙ Y (the directional
// check of reference_gradient_test looks along one direction only).
TEST(MultiheadAttentionReference, BackwardMatchesCentralDifferencesEntryByEntry) {
  const MhaCase c = FixedMhaCase();
  const MatrixXd dY = Fixed(5, 6, 1.0, 7);
  for (bool causal : {false, true}) {
    Tensors inputs = MhaInputs(c);
    inputs["dY"] = FromMatrix(dY);
    const Tensors got =
        RunPack("multihead_attention", Mode("multihead_attention_backward", causal), inputs);
    for (MatrixXd MhaCase::*input :
         {&MhaCase::X, &MhaCase::Wq, &MhaCase::Wk, &MhaCase::Wv, &MhaCase::Wo}) {
      const MatrixXd numeric = NumericalGradient(
          [&](const MatrixXd& value) {
            MhaCase moved = c;
            moved.*input = value;
            return (dY.array() * MhaForward(moved, causal).array()).sum();
          },
          c.*input);
      const std::string name = input == &MhaCase::X    ? "dX"
                               : input == &MhaCase::Wq ? "dWq"
                               : input == &MhaCase::Wk ? "dWk"
                               : input == &MhaCase::Wv ? "dWv"
                                                       : "dWo";
      EXPECT_LT(RelError(AsMatrix(got, name), numeric), 1e-7) << name << " causal " << causal;
    }
  }
}

// With Wq = Wk = 0 every score is 0, so the weights are uniform over the visible keys: without
// the mask each output row is the mean of the rows of V; with it, row i is the mean of rows 0..i.
TEST(MultiheadAttentionReference, ZeroScoresAverageTheVisibleValues) {
  MhaCase c = FixedMhaCase();
  c.Wq.setZero();
  c.Wk.setZero();
  c.Wo = MatrixXd::Identity(6, 6);
  const MatrixXd V = c.X * c.Wv;
  MatrixXd all_mean(5, 6), prefix_mean(5, 6);
  for (Eigen::Index i = 0; i < 5; ++i) {
    all_mean.row(i) = V.colwise().mean();
    prefix_mean.row(i) = V.topRows(i + 1).colwise().mean();
  }
  EXPECT_LT(RelError(MhaForward(c, false), all_mean), 1e-12);
  EXPECT_LT(RelError(MhaForward(c, true), prefix_mean), 1e-12);
}

struct BlockCase {
  MatrixXd X;
  VectorXd ln1_gamma, ln1_beta;
  MatrixXd Wq, Wk, Wv, Wo;
  VectorXd ln2_gamma, ln2_beta;
  MatrixXd W1;
  VectorXd b1;
  MatrixXd W2;
  VectorXd b2;
  int heads;
};

BlockCase FixedBlockCase() {
  // T = 5, D = 6, F = 10, 2 heads.
  const VectorXd ones = VectorXd::Ones(6);
  return {Fixed(5, 6, 1.5, 11),  ones + Fixed(6, 1, 0.3, 12),
          Fixed(6, 1, 0.3, 13),  Fixed(6, 6, 0.5, 14),
          Fixed(6, 6, 0.5, 15),  Fixed(6, 6, 0.5, 16),
          Fixed(6, 6, 0.5, 17),  ones + Fixed(6, 1, 0.3, 18),
          Fixed(6, 1, 0.3, 19),  Fixed(6, 10, 0.7, 20),
          Fixed(10, 1, 0.5, 21), Fixed(10, 6, 0.4, 22),
          Fixed(6, 1, 0.3, 23),  2};
}

MatrixXd BlockForward(const BlockCase& b) {
  return AsMatrix(RunPack("transformer_block", "transformer_block_forward",
                          {{"X", FromMatrix(b.X)},
                           {"ln1_gamma", FromVector(b.ln1_gamma)},
                           {"ln1_beta", FromVector(b.ln1_beta)},
                           {"Wq", FromMatrix(b.Wq)},
                           {"Wk", FromMatrix(b.Wk)},
                           {"Wv", FromMatrix(b.Wv)},
                           {"Wo", FromMatrix(b.Wo)},
                           {"ln2_gamma", FromVector(b.ln2_gamma)},
                           {"ln2_beta", FromVector(b.ln2_beta)},
                           {"W1", FromMatrix(b.W1)},
                           {"b1", FromVector(b.b1)},
                           {"W2", FromMatrix(b.W2)},
                           {"b2", FromVector(b.b2)},
                           {"heads", FromScalar(b.heads)}}),
                  "Z");
}

MatrixXd LayerNormPack(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta) {
  return AsMatrix(RunPack("layernorm", "layernorm_forward",
                          {{"X", FromMatrix(X)},
                           {"gamma", FromVector(gamma)},
                           {"beta", FromVector(beta)},
                           {"eps", FromScalar(1e-5)}}),
                  "Y");
}

TEST(TransformerBlockReference, IsTheCompositionOfTheLayerPacks) {
  for (double x_scale : {1.5, 1e-3}) {  // the second: nearly constant rows, where ε matters
    BlockCase b = FixedBlockCase();
    b.X = (Fixed(5, 6, x_scale, 11).array() + 1.0).matrix();
    // Y = X + MHA(LN₁(X)) with the causal mask
    const MatrixXd Y = b.X + MhaForward({LayerNormPack(b.X, b.ln1_gamma, b.ln1_beta), b.Wq, b.Wk,
                                         b.Wv, b.Wo, b.heads},
                                        /*causal=*/true);
    // Z = Y + GELU(LN₂(Y) W1 + b1) W2 + b2
    const MatrixXd H =
        (LayerNormPack(Y, b.ln2_gamma, b.ln2_beta) * b.W1).rowwise() + b.b1.transpose();
    const MatrixXd G = AsMatrix(RunPack("gelu", "gelu_forward", {{"X", FromMatrix(H)}}), "Y");
    const MatrixXd Z = Y + ((G * b.W2).rowwise() + b.b2.transpose());
    EXPECT_LT(RelError(BlockForward(b), Z), 1e-12) << "X scale " << x_scale;
  }
}

// With Wo = 0 and W2 = 0, b2 = 0 both sublayers output 0: a pre-LN block is then the identity
// (the residual carries X through unchanged; a post-LN block would return LN₂(LN₁(X))).
TEST(TransformerBlockReference, ZeroSublayersLeaveTheResidualStreamUnchanged) {
  BlockCase b = FixedBlockCase();
  b.Wo.setZero();
  b.W2.setZero();
  b.b2.setZero();
  EXPECT_LT(RelError(BlockForward(b), b.X), 1e-15);
}

}  // namespace
