// Divides the central difference by h instead of 2h.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <functional>

Eigen::MatrixXd numerical_gradient(const std::function<double(const Eigen::MatrixXd&)>& f,
                                   const Eigen::MatrixXd& x, double h) {
  Eigen::MatrixXd G(x.rows(), x.cols());
  Eigen::MatrixXd xp = x;  // perturbed copy
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    for (Eigen::Index j = 0; j < x.cols(); ++j) {
      const double old = xp(i, j);
      xp(i, j) = old + h;
      const double f_plus = f(xp);
      xp(i, j) = old - h;
      const double f_minus = f(xp);
      xp(i, j) = old;  // restore before moving on
      G(i, j) = (f_plus - f_minus) / h;
    }
  }
  return G;
}

double relative_error(const Eigen::MatrixXd& analytic, const Eigen::MatrixXd& numeric) {
  double worst = 0.0;
  for (Eigen::Index i = 0; i < analytic.rows(); ++i) {
    for (Eigen::Index j = 0; j < analytic.cols(); ++j) {
      const double a = analytic(i, j), n = numeric(i, j);
      worst = std::max(worst, std::abs(a - n) / std::max(std::abs(a) + std::abs(n), 1e-8));
    }
  }
  return worst;
}
