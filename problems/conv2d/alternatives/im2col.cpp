#include <Eigen/Dense>

// im2col: each sample's receptive fields become the columns of a (C·kh·kw)×(Ho·Wo) matrix, so
// the convolution is one matrix product per sample: Y_n = K · cols_n + b 1ᵀ (F×(Ho·Wo)).

static int out_size(int size, int k, int stride, int pad) { return (size + 2 * pad - k) / stride + 1; }

// cols[(c, u, v), (i, j)] = X[n, c, i·stride + u − pad, j·stride + v − pad], 0 in the padding.
static Eigen::MatrixXd im2col(const Eigen::MatrixXd& X, int n, int C, int H, int W, int kh, int kw,
                              int stride, int pad) {
  const int Ho = out_size(H, kh, stride, pad), Wo = out_size(W, kw, stride, pad);
  Eigen::MatrixXd cols = Eigen::MatrixXd::Zero(C * kh * kw, Ho * Wo);
  for (int c = 0; c < C; ++c)
    for (int u = 0; u < kh; ++u)
      for (int v = 0; v < kw; ++v)
        for (int i = 0; i < Ho; ++i)
          for (int j = 0; j < Wo; ++j) {
            const int h = i * stride + u - pad, w = j * stride + v - pad;
            if (h >= 0 && h < H && w >= 0 && w < W)
              cols(c * kh * kw + u * kw + v, i * Wo + j) = X(n, c * H * W + h * W + w);
          }
  return cols;
}

// The adjoint of im2col: every column entry is added back to its pixel (overlaps accumulate).
static void col2im_add(const Eigen::MatrixXd& dcols, Eigen::MatrixXd& dX, int n, int C, int H,
                       int W, int kh, int kw, int stride, int pad) {
  const int Ho = out_size(H, kh, stride, pad), Wo = out_size(W, kw, stride, pad);
  for (int c = 0; c < C; ++c)
    for (int u = 0; u < kh; ++u)
      for (int v = 0; v < kw; ++v)
        for (int i = 0; i < Ho; ++i)
          for (int j = 0; j < Wo; ++j) {
            const int h = i * stride + u - pad, w = j * stride + v - pad;
            if (h >= 0 && h < H && w >= 0 && w < W)
              dX(n, c * H * W + h * W + w) += dcols(c * kh * kw + u * kw + v, i * Wo + j);
          }
}

// One sample's F×(Ho·Wo) block of a row (filter f's map is the f-th run of Ho·Wo columns).
static Eigen::MatrixXd as_maps(const Eigen::MatrixXd& M, int n, int F, int HoWo) {
  Eigen::MatrixXd maps(F, HoWo);
  for (int f = 0; f < F; ++f) maps.row(f) = M.row(n).segment(f * HoWo, HoWo);
  return maps;
}

Eigen::MatrixXd conv2d_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& K,
                               const Eigen::VectorXd& b, int C, int H, int W, int kh, int kw,
                               int stride, int pad) {
  const int F = static_cast<int>(K.rows());
  const int HoWo = out_size(H, kh, stride, pad) * out_size(W, kw, stride, pad);
  Eigen::MatrixXd Y(X.rows(), F * HoWo);
  for (int n = 0; n < X.rows(); ++n) {
    const Eigen::MatrixXd maps =
        (K * im2col(X, n, C, H, W, kh, kw, stride, pad)).colwise() + b;  // F×(Ho·Wo)
    for (int f = 0; f < F; ++f) Y.row(n).segment(f * HoWo, HoWo) = maps.row(f);
  }
  return Y;
}

Conv2dGrads conv2d_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& K,
                            const Eigen::MatrixXd& dY, int C, int H, int W, int kh, int kw,
                            int stride, int pad) {
  const int F = static_cast<int>(K.rows());
  const int HoWo = out_size(H, kh, stride, pad) * out_size(W, kw, stride, pad);
  Conv2dGrads g;
  g.dX = Eigen::MatrixXd::Zero(X.rows(), X.cols());
  g.dK = Eigen::MatrixXd::Zero(K.rows(), K.cols());
  g.db = Eigen::VectorXd::Zero(F);
  for (int n = 0; n < X.rows(); ++n) {
    const Eigen::MatrixXd dmaps = as_maps(dY, n, F, HoWo);               // F×(Ho·Wo)
    const Eigen::MatrixXd cols = im2col(X, n, C, H, W, kh, kw, stride, pad);
    g.dK += dmaps * cols.transpose();                                     // F×(C·kh·kw)
    g.db += dmaps.rowwise().sum();
    col2im_add(K.transpose() * dmaps, g.dX, n, C, H, W, kh, kw, stride, pad);
  }
  return g;
}
