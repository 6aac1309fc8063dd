#include <Eigen/Dense>

// Reads the layout as channels-last: X[n, h, w, c] = X(n, h*W*C + w*C + c), and Y likewise.

Eigen::MatrixXd maxpool2d_forward(const Eigen::MatrixXd& X, int C, int H, int W, int k,
                                  int stride) {
  const int Ho = (H - k) / stride + 1, Wo = (W - k) / stride + 1;
  Eigen::MatrixXd Y(X.rows(), C * Ho * Wo);
  for (int n = 0; n < X.rows(); ++n) {
    for (int c = 0; c < C; ++c) {
      for (int i = 0; i < Ho; ++i) {
        for (int j = 0; j < Wo; ++j) {
          double m = X(n, (i * stride) * W * C + (j * stride) * C + c);
          for (int dh = 0; dh < k; ++dh) {
            for (int dw = 0; dw < k; ++dw) {
              const double v = X(n, (i * stride + dh) * W * C + (j * stride + dw) * C + c);
              if (v > m) m = v;
            }
          }
          Y(n, i * Wo * C + j * C + c) = m;
        }
      }
    }
  }
  return Y;
}

Eigen::MatrixXd maxpool2d_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY, int C,
                                   int H, int W, int k, int stride) {
  const int Ho = (H - k) / stride + 1, Wo = (W - k) / stride + 1;
  Eigen::MatrixXd dX = Eigen::MatrixXd::Zero(X.rows(), X.cols());
  for (int n = 0; n < X.rows(); ++n) {
    for (int c = 0; c < C; ++c) {
      for (int i = 0; i < Ho; ++i) {
        for (int j = 0; j < Wo; ++j) {
          int best = (i * stride) * W * C + (j * stride) * C + c;
          for (int dh = 0; dh < k; ++dh) {
            for (int dw = 0; dw < k; ++dw) {
              const int at = (i * stride + dh) * W * C + (j * stride + dw) * C + c;
              if (X(n, at) > X(n, best)) best = at;  // strictly larger: the first max wins
            }
          }
          dX(n, best) += dY(n, i * Wo * C + j * C + c);
        }
      }
    }
  }
  return dX;
}
