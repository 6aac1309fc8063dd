// multihead_attention's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
//
// Layout (statement.md): rows are tokens; Q = X Wq (D×D weights on the right, no biases); head h
// uses the contiguous columns [h·Dk, (h+1)·Dk) of Q, K, V and writes the same columns of C.
#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

#include "adapter.h"
#include "reference/ieee_exp.h"
#include "reference/pack.h"

namespace problems::multihead_attention {
namespace {

using Eigen::ArrayXXd;
using Eigen::Index;
using Eigen::MatrixXd;
using reference::IeeeExp;

// Which columns of a T×D matrix belong to head h (of H, each Dk wide).
enum class HeadSplit {
  kContiguous,   // h·Dk, h·Dk + 1, …, (h+1)·Dk − 1   (the convention)
  kInterleaved,  // h, h + H, h + 2H, …               (mutant heads_interleaved)
};

auto HeadColumns(HeadSplit split, Index h, Index d_k, Index heads) {
  const bool contiguous = split == HeadSplit::kContiguous;
  return Eigen::seqN(contiguous ? h * d_k : h, d_k, contiguous ? 1 : heads);
}

// Dk = D / H; H must divide D.
Index HeadWidth(Index d_model, int heads) {
  if (heads < 1 || d_model % heads != 0) {
    throw std::invalid_argument("heads = " + std::to_string(heads) +
                                " must divide D = " + std::to_string(d_model));
  }
  return d_model / heads;
}

// Row-wise softmax of S over the allowed entries (j <= i when causal); masked entries get exactly
// 0 weight. No row is fully masked (j = i is always allowed).
//   A[i,j] = exp(S[i,j] − m_i) / Σ_{k allowed} exp(S[i,k] − m_i),  m_i = max_{k allowed} S[i,k]
MatrixXd MaskedSoftmaxRows(const MatrixXd& S, bool causal) {
  MatrixXd A = MatrixXd::Zero(S.rows(), S.cols());
  for (Index i = 0; i < S.rows(); ++i) {
    const Index allowed = causal ? i + 1 : S.cols();
    const auto row = S.row(i).head(allowed);
    const ArrayXXd e = IeeeExp(row.array() - row.maxCoeff());
    A.row(i).head(allowed) = (e / e.sum()).matrix();
  }
  return A;
}

// Everything the forward pass computes that the backward pass reuses.
struct ForwardPass {
  MatrixXd Q, K, V;         // T×D projections
  MatrixXd C;               // T×D, the heads' outputs side by side
  std::vector<MatrixXd> A;  // per head, T×T attention weights
  Index d_k = 0;
  double scale = 0;  // 1/√Dk
};

struct Options {
  HeadSplit split = HeadSplit::kContiguous;
  bool scale_by_d_model = false;  // mutant scale_by_d_model: 1/√D instead of 1/√Dk
};

// Q = X Wq, K = X Wk, V = X Wv                       (T×D)(D×D) -> T×D
// per head: A_h = softmax(Q_h K_hᵀ · scale + mask)   (T×Dk)(Dk×T) -> T×T
//           C[:, cols_h] = A_h V_h                   (T×T)(T×Dk) -> T×Dk
ForwardPass Forward(const MatrixXd& X, const MhaWeights& w, int heads, bool causal,
                    Options options = {}) {
  ForwardPass f;
  f.d_k = HeadWidth(X.cols(), heads);
  f.scale = 1.0 / std::sqrt(static_cast<double>(options.scale_by_d_model ? X.cols() : f.d_k));
  f.Q = X * w.Wq;
  f.K = X * w.Wk;
  f.V = X * w.Wv;
  f.C = MatrixXd::Zero(X.rows(), X.cols());
  for (Index h = 0; h < heads; ++h) {
    const auto cols = HeadColumns(options.split, h, f.d_k, heads);
    // Copies: a strided column selection is not a plain block, and products want one.
    const MatrixXd Qh = f.Q(Eigen::all, cols), Kh = f.K(Eigen::all, cols),
                   Vh = f.V(Eigen::all, cols);
    f.A.push_back(MaskedSoftmaxRows(Qh * Kh.transpose() * f.scale, causal));
    f.C(Eigen::all, cols) = f.A.back() * Vh;
  }
  return f;
}

// The gradients of the projections Q, K, V (T×D each) from dC, the gradient of C; per head,
// the single-head attention backward of problems/attention:
//   dV_h = A_hᵀ dC_h;  dA_h = dC_h V_hᵀ;  dS_h = A_h ⊙ (dA_h − rowsum(A_h ⊙ dA_h))
//   dQ_h = dS_h K_h · scale;  dK_h = dS_hᵀ Q_h · scale
struct ProjectionGrads {
  MatrixXd dQ, dK, dV;
};
ProjectionGrads BackThroughHeads(const ForwardPass& f, const MatrixXd& dC) {
  ProjectionGrads g{MatrixXd::Zero(dC.rows(), dC.cols()), MatrixXd::Zero(dC.rows(), dC.cols()),
                    MatrixXd::Zero(dC.rows(), dC.cols())};
  const Index heads = static_cast<Index>(f.A.size());
  for (Index h = 0; h < heads; ++h) {
    const auto cols = HeadColumns(HeadSplit::kContiguous, h, f.d_k, heads);
    const MatrixXd& A = f.A[h];
    const MatrixXd Qh = f.Q(Eigen::all, cols), Kh = f.K(Eigen::all, cols),
                   Vh = f.V(Eigen::all, cols), dCh = dC(Eigen::all, cols);
    const MatrixXd dA = dCh * Vh.transpose();
    const Eigen::VectorXd row_dot = (A.array() * dA.array()).rowwise().sum().matrix();
    const MatrixXd dS = (A.array() * (dA.colwise() - row_dot).array()).matrix();
    g.dV(Eigen::all, cols) = A.transpose() * dCh;
    g.dQ(Eigen::all, cols) = dS * Kh * f.scale;
    g.dK(Eigen::all, cols) = dS.transpose() * Qh * f.scale;
  }
  return g;
}

struct MultiheadAttention {
  // Y = C Wo   (T×D)(D×D) -> T×D
  static MatrixXd multihead_attention_forward(const MatrixXd& X, const MhaWeights& w, int heads,
                                              bool causal) {
    return Forward(X, w, heads, causal).C * w.Wo;
  }

  // dWo = Cᵀ dY                              (D×T)(T×D) -> D×D
  // dC  = dY Woᵀ                             (T×D)(D×D) -> T×D
  // dQ, dK, dV from dC, head by head          T×D each
  // dWq = Xᵀ dQ, dWk = Xᵀ dK, dWv = Xᵀ dV    (D×T)(T×D) -> D×D
  // dX  = dQ Wqᵀ + dK Wkᵀ + dV Wvᵀ           X feeds all three projections, T×D
  static MhaGrads multihead_attention_backward(const MatrixXd& X, const MhaWeights& w,
                                               const MatrixXd& dY, int heads, bool causal) {
    const ForwardPass f = Forward(X, w, heads, causal);
    const ProjectionGrads p = BackThroughHeads(f, dY * w.Wo.transpose());
    MhaGrads g = WeightGrads(X, f, p, dY);
    g.dX = p.dQ * w.Wq.transpose() + p.dK * w.Wk.transpose() + p.dV * w.Wv.transpose();
    return g;
  }

  // dWq = Xᵀ dQ, dWk = Xᵀ dK, dWv = Xᵀ dV, dWo = Cᵀ dY (dX left for the caller).
  static MhaGrads WeightGrads(const MatrixXd& X, const ForwardPass& f, const ProjectionGrads& p,
                              const MatrixXd& dY) {
    MhaGrads g;
    g.dWq = X.transpose() * p.dQ;
    g.dWk = X.transpose() * p.dK;
    g.dWv = X.transpose() * p.dV;
    g.dWo = f.C.transpose() * dY;
    return g;
  }
};

// Head h takes the columns h, h + H, … of Q, K, V and writes them back there in C.
struct HeadsInterleaved : MultiheadAttention {
  static MatrixXd multihead_attention_forward(const MatrixXd& X, const MhaWeights& w, int heads,
                                              bool causal) {
    return Forward(X, w, heads, causal, {.split = HeadSplit::kInterleaved}).C * w.Wo;
  }
};

// Scores scaled by 1/√D instead of 1/√Dk.
struct ScaleByDModel : MultiheadAttention {
  static MatrixXd multihead_attention_forward(const MatrixXd& X, const MhaWeights& w, int heads,
                                              bool causal) {
    return Forward(X, w, heads, causal, {.scale_by_d_model = true}).C * w.Wo;
  }
};

// dC = dY: the output projection skipped on the way back (dWo still Cᵀ dY).
struct SkipsOutputProjection : MultiheadAttention {
  static MhaGrads multihead_attention_backward(const MatrixXd& X, const MhaWeights& w,
                                               const MatrixXd& dY, int heads, bool causal) {
    const ForwardPass f = Forward(X, w, heads, causal);
    const ProjectionGrads p = BackThroughHeads(f, dY);
    MhaGrads g = WeightGrads(X, f, p, dY);
    g.dX = p.dQ * w.Wq.transpose() + p.dK * w.Wk.transpose() + p.dV * w.Wv.transpose();
    return g;
  }
};

// dX = dV Wvᵀ: the value path's term overwrote the query's and the key's.
struct DxFromValuePathOnly : MultiheadAttention {
  static MhaGrads multihead_attention_backward(const MatrixXd& X, const MhaWeights& w,
                                               const MatrixXd& dY, int heads, bool causal) {
    const ForwardPass f = Forward(X, w, heads, causal);
    const ProjectionGrads p = BackThroughHeads(f, dY * w.Wo.transpose());
    MhaGrads g = WeightGrads(X, f, p, dY);
    g.dX = p.dV * w.Wv.transpose();
    return g;
  }
};

// dWq = dQᵀ X, …, dWo = dYᵀ C: every weight gradient transposed.
struct WeightGradsTransposed : MultiheadAttention {
  static MhaGrads multihead_attention_backward(const MatrixXd& X, const MhaWeights& w,
                                               const MatrixXd& dY, int heads, bool causal) {
    MhaGrads g = MultiheadAttention::multihead_attention_backward(X, w, dY, heads, causal);
    g.dWq.transposeInPlace();
    g.dWk.transposeInPlace();
    g.dWv.transposeInPlace();
    g.dWo.transposeInPlace();
    return g;
  }
};

}  // namespace

GRADER_PACK(Call<MultiheadAttention>,
            {
                {"heads_interleaved", reference::Guard<Call<HeadsInterleaved>>},
                {"scale_by_d_model", reference::Guard<Call<ScaleByDModel>>},
                {"backward_skips_output_projection", reference::Guard<Call<SkipsOutputProjection>>},
                {"dx_not_summed_over_paths", reference::Guard<Call<DxFromValuePathOnly>>},
                {"weight_grads_transposed", reference::Guard<Call<WeightGradsTransposed>>},
            })

}  // namespace problems::multihead_attention
