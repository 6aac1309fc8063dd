// Entry points of numerical_gradient: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
// Written by hand (the entries are "custom", docs/problem-format.md): the learner's
// numerical_gradient takes a function f, which no input can carry; the input function_id picks
// it from the statement's table, and relative_error's numeric gradient is built as
// analytic + difference so that the two are close, as in a real check.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <functional>
#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::numerical_gradient {

using ScalarFunction = std::function<double(const Eigen::MatrixXd&)>;

// The statement's functions, by id:
//   1: f(x) = Σ_ij x_ij³
//   2: f(x) = log Σ_ij exp(x_ij)     (computed as m + log Σ exp(x_ij − m), m = max x)
//   3: f(x) = ‖x‖ = sqrt(Σ_ij x_ij²)
inline ScalarFunction TestFunction(const reference::Tensors& in) {
  const double id = reference::AsScalar(in, "function_id");
  if (id == 1) return [](const Eigen::MatrixXd& x) { return x.array().cube().sum(); };
  if (id == 2) {
    return [](const Eigen::MatrixXd& x) {
      const double m = x.maxCoeff();
      return m + std::log((x.array() - m).exp().sum());
    };
  }
  if (id == 3) return [](const Eigen::MatrixXd& x) { return x.norm(); };
  throw reference::EntryError("input 'function_id' must be 1, 2 or 3");
}

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "numerical_gradient") {
    const double h = AsScalar(in, "h");
    if (!(h > 0)) throw EntryError("input 'h' must be > 0");
    return {{"G", FromMatrix(Impl::numerical_gradient(TestFunction(in), AsMatrix(in, "x"), h))}};
  }
  if (entry == "relative_error") {
    const Eigen::MatrixXd analytic = AsMatrix(in, "analytic");
    const Eigen::MatrixXd difference = AsMatrix(in, "difference");
    if (difference.rows() != analytic.rows() || difference.cols() != analytic.cols()) {
      throw EntryError("inputs 'analytic' and 'difference' must have the same shape");
    }
    const Eigen::MatrixXd numeric = analytic + difference;
    return {{"rel_error", FromScalar(Impl::relative_error(analytic, numeric))}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static Eigen::MatrixXd numerical_gradient(const ScalarFunction& f, const Eigen::MatrixXd& x,
                                            double h) {
    return ::numerical_gradient(f, x, h);
  }
  static double relative_error(const Eigen::MatrixXd& analytic, const Eigen::MatrixXd& numeric) {
    return ::relative_error(analytic, numeric);
  }
};

}  // namespace problems::numerical_gradient
