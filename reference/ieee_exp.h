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

// exp as Eigen's vectorised path computes it (one SIMD packet): arguments below about −709.4
// are clamped, so the result is ≈ 5.6e-309 instead of 0 (std::exp). A learner's
// `(Z.array() − c).exp()` gets this value at every position of a SIMD packet.
inline double EigenPacketExp(double x) {
  const Eigen::Array2d packet(x, x);
  const Eigen::Array2d e = packet.exp();  // fixed size 2: evaluated as one packet
  return e(0);
}

// Element-wise exp evaluated into an N×C array as Eigen assigns it in a learner's program built
// for the x86-64 baseline (SSE2: packets of 2 doubles) : column-major linear order, packets from
// the start, and a scalar std::exp for the last entry when the size is odd.
template <class Derived>
Eigen::ArrayXXd EigenAssignedExp(const Eigen::ArrayBase<Derived>& x) {
  Eigen::ArrayXXd e = x;
  const Eigen::Index size = e.size(), packet_end = size - size % 2;
  for (Eigen::Index k = 0; k < size; ++k) {
    e.data()[k] = k < packet_end ? EigenPacketExp(e.data()[k]) : std::exp(e.data()[k]);
  }
  return e;
}

}  // namespace reference
