// conv2d's trusted code: the reference implementation and its mutants, one per misconception in
// problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>
#include <stdexcept>
#include <string>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::conv2d {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// The geometry of one call. X is N×(C·H·W) channels-first, one row per sample; K is F×(C·kh·kw).
struct Geometry {
  Index C, H, W, kh, kw, stride, pad;
  bool short_by_one = false;  // the output_size_off_by_one mutant's size
  Index Ho() const { return (H + 2 * pad - kh) / stride + (short_by_one ? 0 : 1); }
  Index Wo() const { return (W + 2 * pad - kw) / stride + (short_by_one ? 0 : 1); }
  Index In(Index c, Index h, Index w) const { return c * H * W + h * W + w; }
  Index Kernel(Index c, Index u, Index v) const { return c * kh * kw + u * kw + v; }
  Index Out(Index f, Index i, Index j) const { return f * Ho() * Wo() + i * Wo() + j; }
};

// An authoring error in a test's dimensions, not a learner's mistake.
void RequireColumns(const MatrixXd& m, Index expected, const char* what) {
  if (m.cols() != expected) {
    throw std::invalid_argument(std::string(what) + " has " + std::to_string(m.cols()) +
                                " columns, expected " + std::to_string(expected));
  }
}

// Calls visit(h, w, out_col, in_col, kernel_col) for every output position (f, i, j) of every
// filter f, kernel offset (c, u, v) whose input pixel (h, w) = (i·s + u − shift, j·s + v − shift)
// lies inside the image (the zero padding contributes nothing). shift = pad, except for the
// padding_ignored_in_backward mutant (0).
template <class Visit>
void ForEachTap(const Geometry& g, Index F, Index shift, Visit visit) {
  for (Index f = 0; f < F; ++f)
    for (Index i = 0; i < g.Ho(); ++i)
      for (Index j = 0; j < g.Wo(); ++j)
        for (Index c = 0; c < g.C; ++c)
          for (Index u = 0; u < g.kh; ++u)
            for (Index v = 0; v < g.kw; ++v) {
              const Index h = i * g.stride + u - shift, w = j * g.stride + v - shift;
              if (h < 0 || h >= g.H || w < 0 || w >= g.W) continue;
              visit(f, g.Out(f, i, j), g.In(c, h, w), c, u, v);
            }
}

// Y[n, f, i, j] = b[f] + Σ_{c,u,v} K[f, c, u, v] · X[n, c, i·s + u − p, j·s + v − p]
// (X zero outside the image; a cross-correlation: K is not flipped; flip = true convolves.)
// X: N×(C·H·W), K: F×(C·kh·kw), b: F -> Y: N×(F·Ho·Wo)   (CS231n conv_forward_naive)
MatrixXd Forward(const MatrixXd& X, const MatrixXd& K, const VectorXd& b, const Geometry& g,
                 bool flip) {
  const Index F = K.rows();
  MatrixXd Y(X.rows(), F * g.Ho() * g.Wo());
  for (Index n = 0; n < X.rows(); ++n) {
    for (Index f = 0; f < F; ++f)
      Y.row(n).segment(f * g.Ho() * g.Wo(), g.Ho() * g.Wo()).setConstant(b(f));
    ForEachTap(g, F, g.pad, [&](Index f, Index out, Index in, Index c, Index u, Index v) {
      const Index k = flip ? g.Kernel(c, g.kh - 1 - u, g.kw - 1 - v) : g.Kernel(c, u, v);
      Y(n, out) += K(f, k) * X(n, in);
    });
  }
  return Y;
}

// dX[n, c, h, w] = Σ K[f, c, u, v] · dY[n, f, i, j]   over (f, i, j, u, v) with h = i·s + u − p,
//                                                       w = j·s + v − p
// dK[f, c, u, v] = Σ_n Σ_{i,j} dY[n, f, i, j] · X[n, c, i·s + u − p, j·s + v − p]
// db[f]          = Σ_n Σ_{i,j} dY[n, f, i, j]
// dY: N×(F·Ho·Wo) -> dX: N×(C·H·W), dK: F×(C·kh·kw), db: F
// shift is pad (padding_ignored_in_backward: 0); last_sample_only keeps dK of the last n.
Conv2dGrads Backward(const MatrixXd& X, const MatrixXd& K, const MatrixXd& dY, const Geometry& g,
                     Index shift, bool last_sample_only) {
  const Index F = K.rows();
  Conv2dGrads grads;
  grads.dX = MatrixXd::Zero(X.rows(), X.cols());
  grads.dK = MatrixXd::Zero(K.rows(), K.cols());
  grads.db = VectorXd::Zero(F);
  for (Index n = 0; n < X.rows(); ++n) {
    if (last_sample_only) grads.dK.setZero();
    ForEachTap(g, F, shift, [&](Index f, Index out, Index in, Index c, Index u, Index v) {
      grads.dX(n, in) += K(f, g.Kernel(c, u, v)) * dY(n, out);
      grads.dK(f, g.Kernel(c, u, v)) += dY(n, out) * X(n, in);
    });
    for (Index f = 0; f < F; ++f)
      grads.db(f) += dY.row(n).segment(f * g.Ho() * g.Wo(), g.Ho() * g.Wo()).sum();
  }
  return grads;
}

Geometry Checked(const MatrixXd& X, const MatrixXd& K, int C, int H, int W, int kh, int kw,
                 int stride, int pad) {
  const Geometry g{C, H, W, kh, kw, stride, pad};
  RequireColumns(X, g.C * g.H * g.W, "X");
  RequireColumns(K, g.C * g.kh * g.kw, "K");
  return g;
}

struct Conv2d {
  static MatrixXd conv2d_forward(const MatrixXd& X, const MatrixXd& K, const VectorXd& b, int C,
                                 int H, int W, int kh, int kw, int stride, int pad) {
    return Forward(X, K, b, Checked(X, K, C, H, W, kh, kw, stride, pad), false);
  }
  static Conv2dGrads conv2d_backward(const MatrixXd& X, const MatrixXd& K, const MatrixXd& dY,
                                     int C, int H, int W, int kh, int kw, int stride, int pad) {
    const Geometry g = Checked(X, K, C, H, W, kh, kw, stride, pad);
    RequireColumns(dY, K.rows() * g.Ho() * g.Wo(), "dY");
    return Backward(X, K, dY, g, g.pad, false);
  }
};

// K[f, c, kh−1−u, kw−1−v]: a true convolution.
struct Flipped : Conv2d {
  static MatrixXd conv2d_forward(const MatrixXd& X, const MatrixXd& K, const VectorXd& b, int C,
                                 int H, int W, int kh, int kw, int stride, int pad) {
    return Forward(X, K, b, Checked(X, K, C, H, W, kh, kw, stride, pad), true);
  }
};

// Ho = (H + 2p − kh)/s, Wo = (W + 2p − kw)/s: the last row and column of windows missing.
struct ShortByOne : Conv2d {
  static MatrixXd conv2d_forward(const MatrixXd& X, const MatrixXd& K, const VectorXd& b, int C,
                                 int H, int W, int kh, int kw, int stride, int pad) {
    Geometry g = Checked(X, K, C, H, W, kh, kw, stride, pad);
    g.short_by_one = true;
    return Forward(X, K, b, g, false);
  }
};

// Backward with input pixel (i·s + u, j·s + v): the − pad left out.
struct PaddingIgnored : Conv2d {
  static Conv2dGrads conv2d_backward(const MatrixXd& X, const MatrixXd& K, const MatrixXd& dY,
                                     int C, int H, int W, int kh, int kw, int stride, int pad) {
    return Backward(X, K, dY, Checked(X, K, C, H, W, kh, kw, stride, pad), 0, false);
  }
};

// dK = the last sample's contribution only.
struct LastSampleOnly : Conv2d {
  static Conv2dGrads conv2d_backward(const MatrixXd& X, const MatrixXd& K, const MatrixXd& dY,
                                     int C, int H, int W, int kh, int kw, int stride, int pad) {
    const Geometry g = Checked(X, K, C, H, W, kh, kw, stride, pad);
    return Backward(X, K, dY, g, g.pad, true);
  }
};

}  // namespace

GRADER_PACK(Call<Conv2d>,
            {
                {"flipped_kernel", reference::Guard<Call<Flipped>>},
                {"output_size_off_by_one", reference::Guard<Call<ShortByOne>>},
                {"padding_ignored_in_backward", reference::Guard<Call<PaddingIgnored>>},
                {"dk_not_summed_over_batch", reference::Guard<Call<LastSampleOnly>>},
            })

}  // namespace problems::conv2d
