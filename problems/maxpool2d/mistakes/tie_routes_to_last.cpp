// Uses >= when looking for the arg-max: on ties the gradient goes to the last maximum.
#include <Eigen/Dense>

// X[n, c, h, w] is X(n, c*H*W + h*W + w); Y[n, c, i, j] is Y(n, c*Ho*Wo + i*Wo + j).

Eigen::MatrixXd maxpool2d_forward(const Eigen::MatrixXd& X, int C, int H, int W, int k,
                                  int stride) {
  const int Ho = (H - k) / stride + 1, Wo = (W - k) / stride + 1;
  Eigen::MatrixXd Y(X.rows(), C * Ho * Wo);
  for (int n = 0; n < X.rows(); ++n) {
    for (int c = 0; c < C; ++c) {
      for (int i = 0; i < Ho; ++i) {
        for (int j = 0; j < Wo; ++j) {
          double m = X(n, c * H * W + (i * stride) * W + j * stride);
          for (int dh = 0; dh < k; ++dh) {
            for (int dw = 0; dw < k; ++dw) {
              const double v = X(n, c * H * W + (i * stride + dh) * W + (j * stride + dw));
              if (v > m) m = v;
            }
          }
          Y(n, c * Ho * Wo + i * Wo + j) = m;
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
          int best = c * H * W + (i * stride) * W + j * stride;
          for (int dh = 0; dh < k; ++dh) {
            for (int dw = 0; dw < k; ++dw) {
              const int at = c * H * W + (i * stride + dh) * W + (j * stride + dw);
              if (X(n, at) >= X(n, best)) best = at;
            }
          }
          dX(n, best) += dY(n, c * Ho * Wo + i * Wo + j);
        }
      }
    }
  }
  return dX;
}
