// Element-wise exp with IEEE semantics (std::exp per entry). Eigen's vectorised exp clamps its
// argument below about −709.8 and returns ~5.6e-309 instead of underflowing to 0, and whether an
// entry takes the vectorised path depends on its position; references and mutants use this
// instead, so that their extreme-value behaviour (exact 0, inf, NaN) is deterministic and the
// same as any other framework's.
#pragma once

#include <Eigen/Dense>
#include <cmath>

namespace reference {

template <class Derived>
Eigen::ArrayXXd IeeeExp(const Eigen::ArrayBase<Derived>& x) {
  return x.unaryExpr([](double v) { return std::exp(v); });
}

}  // namespace reference
