// Helpers of the reference self-checks: fixed test matrices, central differences (h = 1e-5,
// CS231n's eval_numerical_gradient_array) and CS231n's rel_error.
#pragma once

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <functional>
#include <initializer_list>

namespace reference_check {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// A fixed pseudo-random matrix with entries in [-scale, scale] (Eigen's Random is not
// reproducible across versions; this is).
inline MatrixXd Fixed(Eigen::Index rows, Eigen::Index cols, double scale, int salt) {
  MatrixXd m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) {
    m(i) = scale * std::sin(1.0 + 0.7 * static_cast<double>(i) + 1.3 * salt);
  }
  return m;
}

// ∂/∂X of the scalar f(X), by central differences.
inline MatrixXd NumericalGradient(const std::function<double(const MatrixXd&)>& f, MatrixXd X) {
  constexpr double h = 1e-5;
  MatrixXd grad(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.size(); ++i) {
    const double x = X(i);
    X(i) = x + h;
    const double plus = f(X);
    X(i) = x - h;
    const double minus = f(X);
    X(i) = x;
    grad(i) = (plus - minus) / (2 * h);
  }
  return grad;
}

// max |a − b| / max(|a| + |b|, 1e-8), CS231n's rel_error.
inline double RelError(const MatrixXd& a, const MatrixXd& b) {
  EXPECT_EQ(a.rows(), b.rows());
  EXPECT_EQ(a.cols(), b.cols());
  return ((a - b).array().abs() / (a.array().abs() + b.array().abs()).max(1e-8)).maxCoeff();
}

// The VJP of an element-wise activation: backward(X, dY) = ∂/∂X Σ dY ⊙ forward(X).
inline void ExpectBackwardMatchesForward(
    const std::function<MatrixXd(const MatrixXd&)>& forward,
    const std::function<MatrixXd(const MatrixXd&, const MatrixXd&)>& backward, double scale) {
  const MatrixXd X = Fixed(4, 5, scale, 1), dY = Fixed(4, 5, 1.0, 2);
  const MatrixXd numeric = NumericalGradient(
      [&](const MatrixXd& x) { return (dY.array() * forward(x).array()).sum(); }, X);
  EXPECT_LT(RelError(backward(X, dY), numeric), 1e-7);
}

inline MatrixXd Row(std::initializer_list<double> values) {
  MatrixXd m(1, static_cast<Eigen::Index>(values.size()));
  Eigen::Index j = 0;
  for (double v : values) m(0, j++) = v;
  return m;
}

}  // namespace reference_check
