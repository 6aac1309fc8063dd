// attention's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>
#include <cmath>

#include "adapter.h"
#include "reference/ieee_exp.h"
#include "reference/pack.h"

namespace problems::attention {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;
using reference::IeeeExp;

// Row-wise softmax of S over the allowed entries (j <= i when causal); masked entries get exactly
// 0 weight, as exp(−∞) = 0. No row is fully masked (j = i is always allowed).
//   A[i,j] = exp(S[i,j] − m_i) / Σ_{k allowed} exp(S[i,k] − m_i),  m_i = max_{k allowed} S[i,k]
//   S: T×T -> A: T×T
MatrixXd MaskedSoftmaxRows(const MatrixXd& S, bool causal) {
  MatrixXd A = MatrixXd::Zero(S.rows(), S.cols());
  for (Eigen::Index i = 0; i < S.rows(); ++i) {
    const Eigen::Index allowed = causal ? i + 1 : S.cols();
    const auto row = S.row(i).head(allowed);
    // e = exp(S[i, :allowed] − m_i)   (1×allowed)
    const ArrayXXd e = IeeeExp((row.array() - row.maxCoeff()).matrix().array());
    A.row(i).head(allowed) = (e / e.sum()).matrix();
  }
  return A;
}

// S = Q Kᵀ / √D   (T×D)(D×T) -> T×T
MatrixXd Scores(const MatrixXd& Q, const MatrixXd& K) {
  return Q * K.transpose() / std::sqrt(static_cast<double>(Q.cols()));
}

struct Attention {
  // A = softmax_rows(S + causal mask)   T×T
  static MatrixXd Weights(const MatrixXd& Q, const MatrixXd& K, bool causal) {
    return MaskedSoftmaxRows(Scores(Q, K), causal);
  }

  // O = A V   (T×T)(T×E) -> T×E
  static MatrixXd attention_forward(const MatrixXd& Q, const MatrixXd& K, const MatrixXd& V,
                                    bool causal) {
    return Weights(Q, K, causal) * V;
  }

  // dV = Aᵀ dO                         (T×T)(T×E) -> T×E
  // dA = dO Vᵀ                         (T×E)(E×T) -> T×T
  // dS = A ⊙ (dA − rowsum(A ⊙ dA) 1ᵀ)  the softmax's vector–Jacobian product, T×T (0 where masked)
  // dQ = dS K / √D                     (T×T)(T×D) -> T×D
  // dK = dSᵀ Q / √D                    (T×T)(T×D) -> T×D
  static AttentionGrads attention_backward(const MatrixXd& Q, const MatrixXd& K, const MatrixXd& V,
                                           const MatrixXd& dO, bool causal) {
    const MatrixXd A = Weights(Q, K, causal);
    const MatrixXd dA = dO * V.transpose();
    const Eigen::VectorXd row_dot = (A.array() * dA.array()).rowwise().sum().matrix();
    const MatrixXd dS = (A.array() * (dA.colwise() - row_dot).array()).matrix();
    return Grads(Q, K, A, dS, dO);
  }

  // The parameter gradients from the weights A and the score gradient dS.
  static AttentionGrads Grads(const MatrixXd& Q, const MatrixXd& K, const MatrixXd& A,
                              const MatrixXd& dS, const MatrixXd& dO) {
    const double scale = 1.0 / std::sqrt(static_cast<double>(Q.cols()));
    AttentionGrads g;
    g.dQ = dS * K * scale;
    g.dK = dS.transpose() * Q * scale;
    g.dV = A.transpose() * dO;
    return g;
  }
};

// S = Q Kᵀ (no 1/√D).
struct NoScale : Attention {
  static MatrixXd attention_forward(const MatrixXd& Q, const MatrixXd& K, const MatrixXd& V,
                                    bool causal) {
    return MaskedSoftmaxRows(Q * K.transpose(), causal) * V;
  }
};

// A = softmax over each column of S (over the queries i, the allowed i >= j when causal).
struct WrongAxis : Attention {
  static MatrixXd attention_forward(const MatrixXd& Q, const MatrixXd& K, const MatrixXd& V,
                                    bool causal) {
    // softmax_cols(S) = softmax_rows(Sᵀ)ᵀ; the causal pattern j <= i transposes to i >= j.
    const MatrixXd St = Scores(Q, K).transpose();
    MatrixXd At = MatrixXd::Zero(St.rows(), St.cols());
    for (Eigen::Index j = 0; j < St.rows(); ++j) {
      const Eigen::Index first = causal ? j : 0;
      const auto row = St.row(j).tail(St.cols() - first);
      const ArrayXXd e = IeeeExp((row.array() - row.maxCoeff()).matrix().array());
      At.row(j).tail(St.cols() - first) = (e / e.sum()).matrix();
    }
    return At.transpose() * V;
  }
};

// A = softmax_rows(S) ⊙ M (M[i,j] = 1 for j <= i): the future zeroed after the softmax.
struct MaskAfterSoftmax : Attention {
  static MatrixXd attention_forward(const MatrixXd& Q, const MatrixXd& K, const MatrixXd& V,
                                    bool causal) {
    MatrixXd A = MaskedSoftmaxRows(Scores(Q, K), false);
    if (causal) A = A.triangularView<Eigen::Lower>();
    return A * V;
  }
};

// dS = A ⊙ dA: the −rowsum(A ⊙ dA) term of the softmax Jacobian missing.
struct MissingJacobian : Attention {
  static AttentionGrads attention_backward(const MatrixXd& Q, const MatrixXd& K, const MatrixXd& V,
                                           const MatrixXd& dO, bool causal) {
    const MatrixXd A = Weights(Q, K, causal);
    const MatrixXd dS = (A.array() * (dO * V.transpose()).array()).matrix();
    return Grads(Q, K, A, dS, dO);
  }
};

}  // namespace

GRADER_PACK(Call<Attention>,
            {
                {"no_scale", reference::Guard<Call<NoScale>>},
                {"softmax_over_wrong_axis", reference::Guard<Call<WrongAxis>>},
                {"mask_after_softmax", reference::Guard<Call<MaskAfterSoftmax>>},
                {"missing_softmax_jacobian", reference::Guard<Call<MissingJacobian>>},
            })

}  // namespace problems::attention
