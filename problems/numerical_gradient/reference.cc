// numerical_gradient's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners. f is built by adapter.h from the test's function_id.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::numerical_gradient {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;

// How a mutant departs from the reference's central differences.
struct Slips {
  bool forward = false;     // (f(x + h) − f(x)) / h
  bool divisor_h = false;   // divide by h instead of 2h
  bool no_restore = false;  // x[i,j] left at x[i,j] − h afterwards
};

// G[i,j] = (f(x + h E_ij) − f(x − h E_ij)) / (2h)      x: R×C -> G: R×C
// (CS231n eval_numerical_gradient, centred form.)
MatrixXd CentralDifferences(const ScalarFunction& f, const MatrixXd& x, double h,
                            const Slips& slip) {
  MatrixXd G(x.rows(), x.cols());
  MatrixXd at = x;
  const double f_x = f(x);
  // Row by row, as a learner's loops usually run: the order matters only to no_restore, whose
  // drift reaches the entries visited after the one it perturbed.
  for (Index i = 0; i < x.rows(); ++i) {
    for (Index j = 0; j < x.cols(); ++j) {
      const double saved = at(i, j);
      at(i, j) = saved + h;
      const double f_plus = f(at);
      at(i, j) = saved - h;
      const double f_minus = slip.forward ? f_x : f(at);
      if (!slip.no_restore) at(i, j) = saved;
      G(i, j) = (f_plus - f_minus) / (slip.forward || slip.divisor_h ? h : 2 * h);
    }
  }
  return G;
}

// How a mutant departs from the reference's relative error.
enum class RelSlip { kNone, kAbsolute, kNoFloor, kMean };

// rel = max_ij |a − n| / max(|a| + |n|, 1e-8)   (CS231n's rel_error, per entry, then the max)
double RelativeError(const MatrixXd& a, const MatrixXd& n, RelSlip slip) {
  const Eigen::ArrayXXd diff = (a - n).array().abs();
  const Eigen::ArrayXXd scale = a.array().abs() + n.array().abs();
  Eigen::ArrayXXd ratio;
  switch (slip) {
    case RelSlip::kAbsolute:
      ratio = diff;
      break;
    case RelSlip::kNoFloor:
      ratio = diff / scale;
      break;
    default:
      ratio = diff / scale.max(1e-8);
  }
  return slip == RelSlip::kMean ? ratio.mean() : ratio.maxCoeff();
}

struct GradientCheck {
  static MatrixXd numerical_gradient(const ScalarFunction& f, const MatrixXd& x, double h) {
    return CentralDifferences(f, x, h, Slips{});
  }
  static double relative_error(const MatrixXd& analytic, const MatrixXd& numeric) {
    return RelativeError(analytic, numeric, RelSlip::kNone);
  }
};

template <Slips (*S)()>
struct SlippedDifferences : GradientCheck {
  static MatrixXd numerical_gradient(const ScalarFunction& f, const MatrixXd& x, double h) {
    return CentralDifferences(f, x, h, S());
  }
};

Slips Forward() { return {.forward = true}; }
Slips DivisorH() { return {.divisor_h = true}; }
Slips NoRestore() { return {.no_restore = true}; }

template <RelSlip S>
struct SlippedRelativeError : GradientCheck {
  static double relative_error(const MatrixXd& analytic, const MatrixXd& numeric) {
    return RelativeError(analytic, numeric, S);
  }
};

}  // namespace

GRADER_PACK(
    Call<GradientCheck>,
    {
        {"forward_difference", reference::Guard<Call<SlippedDifferences<Forward>>>},
        {"divided_by_h", reference::Guard<Call<SlippedDifferences<DivisorH>>>},
        {"perturbation_not_restored", reference::Guard<Call<SlippedDifferences<NoRestore>>>},
        {"absolute_error", reference::Guard<Call<SlippedRelativeError<RelSlip::kAbsolute>>>},
        {"no_floor", reference::Guard<Call<SlippedRelativeError<RelSlip::kNoFloor>>>},
        {"mean_instead_of_max", reference::Guard<Call<SlippedRelativeError<RelSlip::kMean>>>},
    })

}  // namespace problems::numerical_gradient
