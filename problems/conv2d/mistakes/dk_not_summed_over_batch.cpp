// Resets dK for every sample: only the last sample's contribution survives.
#include <Eigen/Dense>

// Naive loops over samples, filters, output positions and kernel taps (CS231n's
// conv_forward_naive). Column of X[n, c, h, w]: c·H·W + h·W + w; of K[f, c, u, v]:
// c·kh·kw + u·kw + v; of Y[n, f, i, j]: f·Ho·Wo + i·Wo + j.

Eigen::MatrixXd conv2d_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& K,
                               const Eigen::VectorXd& b, int C, int H, int W, int kh, int kw,
                               int stride, int pad) {
  const int N = static_cast<int>(X.rows()), F = static_cast<int>(K.rows());
  const int Ho = (H + 2 * pad - kh) / stride + 1;
  const int Wo = (W + 2 * pad - kw) / stride + 1;
  Eigen::MatrixXd Y(N, F * Ho * Wo);
  for (int n = 0; n < N; ++n)
    for (int f = 0; f < F; ++f)
      for (int i = 0; i < Ho; ++i)
        for (int j = 0; j < Wo; ++j) {
          double sum = b(f);
          for (int c = 0; c < C; ++c)
            for (int u = 0; u < kh; ++u)
              for (int v = 0; v < kw; ++v) {
                const int h = i * stride + u - pad, w = j * stride + v - pad;
                if (h < 0 || h >= H || w < 0 || w >= W) continue;  // zero padding
                sum += K(f, c * kh * kw + u * kw + v) * X(n, c * H * W + h * W + w);
              }
          Y(n, f * Ho * Wo + i * Wo + j) = sum;
        }
  return Y;
}

Conv2dGrads conv2d_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& K,
                            const Eigen::MatrixXd& dY, int C, int H, int W, int kh, int kw,
                            int stride, int pad) {
  const int N = static_cast<int>(X.rows()), F = static_cast<int>(K.rows());
  const int Ho = (H + 2 * pad - kh) / stride + 1;
  const int Wo = (W + 2 * pad - kw) / stride + 1;
  Conv2dGrads g;
  g.dX = Eigen::MatrixXd::Zero(N, X.cols());
  g.dK = Eigen::MatrixXd::Zero(F, K.cols());
  g.db = Eigen::VectorXd::Zero(F);
  for (int n = 0; n < N; ++n) {
    g.dK.setZero();
    for (int f = 0; f < F; ++f)
      for (int i = 0; i < Ho; ++i)
        for (int j = 0; j < Wo; ++j) {
          const double d = dY(n, f * Ho * Wo + i * Wo + j);
          g.db(f) += d;
          for (int c = 0; c < C; ++c)
            for (int u = 0; u < kh; ++u)
              for (int v = 0; v < kw; ++v) {
                const int h = i * stride + u - pad, w = j * stride + v - pad;
                if (h < 0 || h >= H || w < 0 || w >= W) continue;
                g.dX(n, c * H * W + h * W + w) += K(f, c * kh * kw + u * kw + v) * d;
                g.dK(f, c * kh * kw + u * kw + v) += X(n, c * H * W + h * W + w) * d;
              }
        }
  }
  return g;
}
