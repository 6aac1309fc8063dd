// mlp2's trusted code: the reference implementation and its mutants, one per misconception in
// problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>
#include <cmath>

#include "adapter.h"
#include "reference/ieee_exp.h"
#include "reference/pack.h"

namespace problems::mlp2 {
namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using Eigen::VectorXi;
using reference::IeeeExp;

// The activations of one forward pass, kept for the backward pass.
struct Activations {
  MatrixXd Hpre;   // N×H  X W1 + 1 b1ᵀ
  MatrixXd A;      // N×H  max(0, Hpre)
  MatrixXd log_p;  // N×C  log softmax(A W2 + 1 b2ᵀ), row-wise
};

// Hpre = X W1 + 1 b1ᵀ    (N×D)(D×H) -> N×H
// A    = max(0, Hpre)    N×H
// Z    = A W2 + 1 b2ᵀ    (N×H)(H×C) -> N×C
// log P[i,j] = (Z[i,j] − m_i) − log Σ_k exp(Z[i,k] − m_i),  m_i = max_k Z[i,k]
Activations Forward(const MatrixXd& X, const MatrixXd& W1, const VectorXd& b1, const MatrixXd& W2,
                    const VectorXd& b2) {
  Activations a;
  a.Hpre = (X * W1).rowwise() + b1.transpose();
  a.A = a.Hpre.cwiseMax(0.0);
  const MatrixXd Z = (a.A * W2).rowwise() + b2.transpose();
  const MatrixXd S = Z.colwise() - Z.rowwise().maxCoeff();
  const VectorXd lse = IeeeExp(S.array()).rowwise().sum().log().matrix();
  a.log_p = S.colwise() - lse;
  return a;
}

// How a mutant departs from the reference's backward pass.
struct Slips {
  bool sum_over_batch = false;  // loss and dZ without the 1/N
  bool skip_relu_mask = false;  // dHpre = dA
  bool db1_from_dz = false;     // db1 = colsum(dZ)
  bool dw2_from_hpre = false;   // dW2 = Hpreᵀ dZ
};

// loss = −(1/N) Σ_i log P[i, y_i]
// dZ    = (P − Y) / N                     N×C  (Y one-hot)
// dW2   = Aᵀ dZ                           (H×N)(N×C) -> H×C
// db2   = Σ_i dZ[i,:]                     C
// dA    = dZ W2ᵀ                          (N×C)(C×H) -> N×H
// dHpre = dA ⊙ 1[Hpre > 0]                N×H
// dW1   = Xᵀ dHpre                        (D×N)(N×H) -> D×H
// db1   = Σ_i dHpre[i,:]                  H
// (CS231n two-layer net: the affine, ReLU and softmax-loss backward passes chained.)
Mlp2Result LossAndGrads(const MatrixXd& X, const VectorXi& y, const MatrixXd& W1,
                        const VectorXd& b1, const MatrixXd& W2, const VectorXd& b2,
                        const Slips& slip) {
  const Activations a = Forward(X, W1, b1, W2, b2);
  const double n = slip.sum_over_batch ? 1.0 : static_cast<double>(X.rows());
  MatrixXd dZ = IeeeExp(a.log_p.array()).matrix();
  double sum_log_p_true = 0.0;
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    sum_log_p_true += a.log_p(i, y(i));
    dZ(i, y(i)) -= 1.0;  // P − Y
  }
  dZ /= n;
  const MatrixXd dA = dZ * W2.transpose();
  const MatrixXd relu_mask = (a.Hpre.array() > 0.0).cast<double>().matrix();
  const MatrixXd dHpre = slip.skip_relu_mask ? dA : dA.cwiseProduct(relu_mask).eval();
  Mlp2Result r;
  r.loss = -sum_log_p_true / n;
  r.dW2 = (slip.dw2_from_hpre ? a.Hpre : a.A).transpose() * dZ;
  r.db2 = dZ.colwise().sum().transpose();
  r.dW1 = X.transpose() * dHpre;
  r.db1 = (slip.db1_from_dz ? dZ : dHpre).colwise().sum().transpose();
  return r;
}

struct Mlp2 {
  static Mlp2Result mlp2_loss_and_grads(const MatrixXd& X, const VectorXi& y, const MatrixXd& W1,
                                        const VectorXd& b1, const MatrixXd& W2,
                                        const VectorXd& b2) {
    return LossAndGrads(X, y, W1, b1, W2, b2, Slips{});
  }
};

// The mutant whose backward pass commits the slips `S()` names.
template <Slips (*S)()>
struct Slipped : Mlp2 {
  static Mlp2Result mlp2_loss_and_grads(const MatrixXd& X, const VectorXi& y, const MatrixXd& W1,
                                        const VectorXd& b1, const MatrixXd& W2,
                                        const VectorXd& b2) {
    return LossAndGrads(X, y, W1, b1, W2, b2, S());
  }
};

// loss = −Σ_i log P[i, y_i], dZ = P − Y: summed over the batch, consistently.
Slips SumOverBatch() { return {.sum_over_batch = true}; }
// dHpre = dA (the ReLU's mask never applied).
Slips SkipReluMask() { return {.skip_relu_mask = true}; }
// db1 = Σ_i dZ[i,:] (C entries: the output layer's bias gradient).
Slips Db1FromDz() { return {.db1_from_dz = true}; }
// dW2 = Hpreᵀ dZ (the pre-activation instead of A).
Slips Dw2FromHpre() { return {.dw2_from_hpre = true}; }

}  // namespace

GRADER_PACK(Call<Mlp2>,
            {
                {"loss_not_averaged", reference::Guard<Call<Slipped<SumOverBatch>>>},
                {"relu_mask_skipped", reference::Guard<Call<Slipped<SkipReluMask>>>},
                {"db1_from_output_layer", reference::Guard<Call<Slipped<Db1FromDz>>>},
                {"dw2_from_preactivation", reference::Guard<Call<Slipped<Dw2FromHpre>>>},
            })

}  // namespace problems::mlp2
