// transformer_block's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
//
// A pack includes no other pack, so the layer norm (problems/layernorm), the tanh GELU
// (problems/gelu) and causal multi-head attention (problems/multihead_attention) are written
// again here, forward only, with the conventions of those statements.
#include <Eigen/Dense>
#include <cmath>
#include <stdexcept>
#include <string>

#include "adapter.h"
#include "reference/ieee_exp.h"
#include "reference/pack.h"

namespace problems::transformer_block {
namespace {

using Eigen::ArrayXXd;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using reference::IeeeExp;

constexpr double kLayerNormEps = 1e-5;

// Y[i, j] = γ_j (X[i, j] − μ_i) / √(σ²_i + ε) + β_j, statistics per row, biased variance.
//   X: T×D, γ, β: D -> Y: T×D
MatrixXd LayerNorm(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta, double eps) {
  const VectorXd mu = X.rowwise().mean();
  const MatrixXd centred = X.colwise() - mu;
  const VectorXd var = centred.array().square().rowwise().mean();
  const MatrixXd xhat = centred.array().colwise() / (var.array() + eps).sqrt();
  return (xhat.array().rowwise() * gamma.transpose().array()).rowwise() + beta.transpose().array();
}

// GELU, element-wise: tanh approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))) (the gelu
// problem), or the exact ½x(1 + erf(x/√2)) (mutant gelu_exact_erf).
MatrixXd Gelu(const MatrixXd& H, bool exact) {
  const double c = std::sqrt(2.0 / M_PI), k = 0.044715;
  return H.unaryExpr([&](double x) {
    return exact ? 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)))
                 : 0.5 * x * (1.0 + std::tanh(c * (x + k * x * x * x)));
  });
}

// Row-wise softmax over the allowed keys (j <= i when causal); masked weights exactly 0.
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

// Multi-head attention (problems/multihead_attention): Q = X Wq, K = X Wk, V = X Wv; head h
// uses the columns [h·Dk, (h+1)·Dk), Dk = D / H; C[:, cols_h] = softmax(Q_h K_hᵀ / √Dk) V_h;
// Y = C Wo.   X: T×D -> Y: T×D
MatrixXd MultiheadAttention(const MatrixXd& X, const TransformerBlockParams& p, int heads,
                            bool causal) {
  if (heads < 1 || X.cols() % heads != 0) {
    throw std::invalid_argument("heads = " + std::to_string(heads) +
                                " must divide D = " + std::to_string(X.cols()));
  }
  const Index d_k = X.cols() / heads;
  const MatrixXd Q = X * p.Wq, K = X * p.Wk, V = X * p.Wv;
  MatrixXd C(X.rows(), X.cols());
  for (Index h = 0; h < heads; ++h) {
    const MatrixXd S = Q.middleCols(h * d_k, d_k) * K.middleCols(h * d_k, d_k).transpose() /
                       std::sqrt(static_cast<double>(d_k));
    C.middleCols(h * d_k, d_k) = MaskedSoftmaxRows(S, causal) * V.middleCols(h * d_k, d_k);
  }
  return C * p.Wo;
}

// The ways a block can be put together: the reference, or one misconception each.
struct Variant {
  bool post_layernorm = false;            // Y = LN₁(X + MHA(X)), Z = LN₂(Y + MLP(Y))
  bool residual_from_normalized = false;  // Y = LN₁(X) + MHA(LN₁(X)), likewise for Z
  bool residuals = true;                  // false: Y = MHA(LN₁(X)), Z = MLP(LN₂(Y))
  bool causal = true;
  bool exact_gelu = false;
  bool layernorm_eps = true;  // false: ε = 0
};

// MLP(U) = GELU(U W1 + 1 b1ᵀ) W2 + 1 b2ᵀ   (T×D)(D×F) -> T×F, (T×F)(F×D) -> T×D
MatrixXd Mlp(const MatrixXd& U, const TransformerBlockParams& p, bool exact_gelu) {
  const MatrixXd H = (U * p.W1).rowwise() + p.b1.transpose();
  return (Gelu(H, exact_gelu) * p.W2).rowwise() + p.b2.transpose();
}

// What a pre-LN sublayer's output is added to: its input (the residual), or in a mutant the
// normalised input or nothing.
MatrixXd Skip(const MatrixXd& input, const MatrixXd& normalized, const Variant& v) {
  if (v.residual_from_normalized) return normalized;
  if (!v.residuals) return MatrixXd::Zero(input.rows(), input.cols());
  return input;
}

// Pre-LN:  Y = X + MHA(LN₁(X));  Z = Y + MLP(LN₂(Y))      X, Y, Z: T×D
MatrixXd Block(const MatrixXd& X, const TransformerBlockParams& p, int heads, const Variant& v) {
  const double eps = v.layernorm_eps ? kLayerNormEps : 0.0;
  auto ln1 = [&](const MatrixXd& U) { return LayerNorm(U, p.ln1_gamma, p.ln1_beta, eps); };
  auto ln2 = [&](const MatrixXd& U) { return LayerNorm(U, p.ln2_gamma, p.ln2_beta, eps); };
  auto attention = [&](const MatrixXd& U) { return MultiheadAttention(U, p, heads, v.causal); };
  auto mlp = [&](const MatrixXd& U) { return Mlp(U, p, v.exact_gelu); };
  if (v.post_layernorm) {
    const MatrixXd Y = ln1(X + attention(X));
    return ln2(Y + mlp(Y));
  }
  const MatrixXd U1 = ln1(X);
  const MatrixXd Y = Skip(X, U1, v) + attention(U1);
  const MatrixXd U2 = ln2(Y);
  return Skip(Y, U2, v) + mlp(U2);
}

struct TransformerBlock {
  static MatrixXd transformer_block_forward(const MatrixXd& X, const TransformerBlockParams& p,
                                            int heads) {
    return Block(X, p, heads, {});
  }
};

// One mutant per Variant flag: the reference block with that one change (Variant holds bools
// only, so that it can be a template argument).
template <Variant kVariant>
struct Mutant : TransformerBlock {
  static MatrixXd transformer_block_forward(const MatrixXd& X, const TransformerBlockParams& p,
                                            int heads) {
    return Block(X, p, heads, kVariant);
  }
};

}  // namespace

GRADER_PACK(Call<TransformerBlock>,
            {
                {"post_layernorm", reference::Guard<Call<Mutant<Variant{.post_layernorm = true}>>>},
                {"residual_from_normalized",
                 reference::Guard<Call<Mutant<Variant{.residual_from_normalized = true}>>>},
                {"residuals_missing", reference::Guard<Call<Mutant<Variant{.residuals = false}>>>},
                {"attention_not_causal", reference::Guard<Call<Mutant<Variant{.causal = false}>>>},
                {"gelu_exact_erf", reference::Guard<Call<Mutant<Variant{.exact_gelu = true}>>>},
                {"layernorm_without_eps",
                 reference::Guard<Call<Mutant<Variant{.layernorm_eps = false}>>>},
            })

}  // namespace problems::transformer_block
