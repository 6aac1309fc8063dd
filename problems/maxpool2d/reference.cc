// maxpool2d's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>
#include <algorithm>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::maxpool2d {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;

// The geometry of one call: X is N×(C·H·W), channels-first, one row per sample.
struct Geometry {
  Index C, H, W, k, stride;
  Index Ho() const { return (H - k) / stride + 1; }  // no padding, floor
  Index Wo() const { return (W - k) / stride + 1; }
  // The column of X[n, c, h, w] (channels-first, row-major within a channel).
  Index In(Index c, Index h, Index w) const { return c * H * W + h * W + w; }
  // The column of Y[n, c, i, j].
  Index Out(Index c, Index i, Index j) const { return c * Ho() * Wo() + i * Wo() + j; }
};

// The column of the maximum of window (c, i, j) of sample n: the first maximum in row-major
// order (scan rows, then columns; replace only on a strictly larger value); with last_on_tie,
// the last one (>=).
Index ArgMax(const MatrixXd& X, Index n, const Geometry& g, Index c, Index i, Index j,
             bool last_on_tie = false) {
  Index best = g.In(c, i * g.stride, j * g.stride);
  for (Index dh = 0; dh < g.k; ++dh) {
    for (Index dw = 0; dw < g.k; ++dw) {
      const Index at = g.In(c, i * g.stride + dh, j * g.stride + dw);
      if (X(n, at) > X(n, best) || (last_on_tie && X(n, at) == X(n, best))) best = at;
    }
  }
  return best;
}

struct MaxPool {
  // Y[n, c, i, j] = max_{0 <= dh, dw < k} X[n, c, i·s + dh, j·s + dw]
  // X: N×(C·H·W) -> Y: N×(C·Ho·Wo),  Ho = (H − k)/s + 1, Wo = (W − k)/s + 1
  static MatrixXd maxpool2d_forward(const MatrixXd& X, int C, int H, int W, int k, int stride) {
    const Geometry g{C, H, W, k, stride};
    MatrixXd Y(X.rows(), C * g.Ho() * g.Wo());
    for (Index n = 0; n < X.rows(); ++n)
      for (Index c = 0; c < C; ++c)
        for (Index i = 0; i < g.Ho(); ++i)
          for (Index j = 0; j < g.Wo(); ++j) Y(n, g.Out(c, i, j)) = X(n, ArgMax(X, n, g, c, i, j));
    return Y;
  }

  // dX[n, argmax(n, c, i, j)] += dY[n, c, i, j]   (first maximum on ties; windows that overlap
  // accumulate; 0 elsewhere).   X: N×(C·H·W), dY: N×(C·Ho·Wo) -> dX: N×(C·H·W)
  static MatrixXd maxpool2d_backward(const MatrixXd& X, const MatrixXd& dY, int C, int H, int W,
                                     int k, int stride) {
    return Route(X, dY, Geometry{C, H, W, k, stride}, false, false);
  }

  static MatrixXd Route(const MatrixXd& X, const MatrixXd& dY, const Geometry& g, bool last_on_tie,
                        bool overwrite) {
    MatrixXd dX = MatrixXd::Zero(X.rows(), X.cols());
    for (Index n = 0; n < X.rows(); ++n)
      for (Index c = 0; c < g.C; ++c)
        for (Index i = 0; i < g.Ho(); ++i)
          for (Index j = 0; j < g.Wo(); ++j) {
            const Index at = ArgMax(X, n, g, c, i, j, last_on_tie);
            const double d = dY(n, g.Out(c, i, j));
            dX(n, at) = overwrite ? d : dX(n, at) + d;
          }
    return dX;
  }
};

// Channels-last: X[n, h, w, c] at column h·W·C + w·C + c, Y[n, i, j, c] at i·Wo·C + j·C + c.
struct ChannelsLast : MaxPool {
  static MatrixXd maxpool2d_forward(const MatrixXd& X, int C, int H, int W, int k, int stride) {
    const Geometry g{C, H, W, k, stride};
    MatrixXd Y(X.rows(), C * g.Ho() * g.Wo());
    for (Index n = 0; n < X.rows(); ++n)
      for (Index c = 0; c < C; ++c)
        for (Index i = 0; i < g.Ho(); ++i)
          for (Index j = 0; j < g.Wo(); ++j) {
            double m = X(n, (i * stride) * W * C + (j * stride) * C + c);
            for (Index dh = 0; dh < k; ++dh)
              for (Index dw = 0; dw < k; ++dw)
                m = std::max(m, X(n, (i * stride + dh) * W * C + (j * stride + dw) * C + c));
            Y(n, i * g.Wo() * C + j * C + c) = m;
          }
    return Y;
  }
};

// dX = dY copied to every position of its window (accumulated where windows overlap).
struct WholeWindow : MaxPool {
  static MatrixXd maxpool2d_backward(const MatrixXd& X, const MatrixXd& dY, int C, int H, int W,
                                     int k, int stride) {
    const Geometry g{C, H, W, k, stride};
    MatrixXd dX = MatrixXd::Zero(X.rows(), X.cols());
    for (Index n = 0; n < X.rows(); ++n)
      for (Index c = 0; c < C; ++c)
        for (Index i = 0; i < g.Ho(); ++i)
          for (Index j = 0; j < g.Wo(); ++j)
            for (Index dh = 0; dh < k; ++dh)
              for (Index dw = 0; dw < k; ++dw)
                dX(n, g.In(c, i * stride + dh, j * stride + dw)) += dY(n, g.Out(c, i, j));
    return dX;
  }
};

// dX[argmax] = dY: the last window wins where overlapping windows share a maximum.
struct Overwritten : MaxPool {
  static MatrixXd maxpool2d_backward(const MatrixXd& X, const MatrixXd& dY, int C, int H, int W,
                                     int k, int stride) {
    return Route(X, dY, Geometry{C, H, W, k, stride}, false, true);
  }
};

// Ties routed to the last maximum in row-major order (>=).
struct LastOnTie : MaxPool {
  static MatrixXd maxpool2d_backward(const MatrixXd& X, const MatrixXd& dY, int C, int H, int W,
                                     int k, int stride) {
    return Route(X, dY, Geometry{C, H, W, k, stride}, true, false);
  }
};

}  // namespace

GRADER_PACK(Call<MaxPool>, {
                               {"layout_channels_last", reference::Guard<Call<ChannelsLast>>},
                               {"gradient_to_whole_window", reference::Guard<Call<WholeWindow>>},
                               {"overlap_overwritten", reference::Guard<Call<Overwritten>>},
                               {"tie_routes_to_last", reference::Guard<Call<LastOnTie>>},
                           })

}  // namespace problems::maxpool2d
