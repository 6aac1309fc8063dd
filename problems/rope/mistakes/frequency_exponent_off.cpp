// Uses the exponent −i/D for the frequencies.
#include <Eigen/Dense>
#include <cmath>

// Rotates each adjacent pair (2i, 2i+1) of row t by the angle sign · t · 10000^(−2i/D).
static Eigen::MatrixXd rotate_pairs(const Eigen::MatrixXd& X, double sign) {
  const Eigen::Index T = X.rows(), D = X.cols();
  Eigen::MatrixXd Y(T, D);
  for (Eigen::Index t = 0; t < T; ++t) {
    for (Eigen::Index i = 0; i < D / 2; ++i) {
      const double theta = std::pow(10000.0, -static_cast<double>(i) / static_cast<double>(D));
      const double c = std::cos(t * theta), s = sign * std::sin(t * theta);
      const double x0 = X(t, 2 * i), x1 = X(t, 2 * i + 1);
      Y(t, 2 * i) = x0 * c - x1 * s;
      Y(t, 2 * i + 1) = x0 * s + x1 * c;
    }
  }
  return Y;
}

Eigen::MatrixXd rope_forward(const Eigen::MatrixXd& X) { return rotate_pairs(X, 1.0); }

// The rotation is orthogonal: its gradient is the inverse rotation, by −angle.
Eigen::MatrixXd rope_backward(const Eigen::MatrixXd& dY) { return rotate_pairs(dY, -1.0); }
