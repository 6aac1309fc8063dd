// rope's trusted code: the reference implementation and its mutants, one per misconception in
// problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>
#include <cmath>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::rope {
namespace {

using Eigen::Index;
using Eigen::MatrixXd;

constexpr double kBase = 10000.0;

// How a mutant departs from the reference rotation.
struct Convention {
  bool halves = false;          // pairs (i, i + D/2) instead of (2i, 2i + 1)
  double exponent_scale = 2.0;  // θ_i = base^(−scale·i/D)
  int first_position = 0;       // row t is position t + first_position
};

// For row t (position p = t + first) and pair i = 0..D/2−1 with columns (a, b) = (2i, 2i + 1):
//   φ = p · θ_i,  θ_i = base^(−2i/D)
//   [Y_a]   [cos φ  −sin φ] [X_a]
//   [Y_b] = [sin φ   cos φ] [X_b]        (sign = +1: R;  sign = −1: Rᵀ, the rotation by −φ)
// X: T×D -> Y: T×D   (RoFormer, Su et al. 2021, eq. 34)
MatrixXd Rotate(const MatrixXd& X, double sign, const Convention& c) {
  const Index D = X.cols(), half = D / 2;
  MatrixXd Y = X;
  for (Index t = 0; t < X.rows(); ++t) {
    const double position = static_cast<double>(t + c.first_position);
    for (Index i = 0; i < half; ++i) {
      const double theta =
          std::pow(kBase, -c.exponent_scale * static_cast<double>(i) / static_cast<double>(D));
      const double phi = position * theta;
      const double cos_phi = std::cos(phi), sin_phi = sign * std::sin(phi);
      const Index a = c.halves ? i : 2 * i, b = c.halves ? i + half : 2 * i + 1;
      Y(t, a) = X(t, a) * cos_phi - X(t, b) * sin_phi;
      Y(t, b) = X(t, a) * sin_phi + X(t, b) * cos_phi;
    }
  }
  return Y;
}

struct Rope {
  // Y = R X pair by pair.
  static MatrixXd rope_forward(const MatrixXd& X) { return Rotate(X, +1.0, Convention{}); }
  // dX = Rᵀ dY: R is orthogonal, so the gradient is rotated back by −φ.
  static MatrixXd rope_backward(const MatrixXd& dY) { return Rotate(dY, -1.0, Convention{}); }
};

template <Convention (*C)()>
struct OtherConvention : Rope {
  static MatrixXd rope_forward(const MatrixXd& X) { return Rotate(X, +1.0, C()); }
};

// Pairs (i, i + D/2): GPT-NeoX's rotate_half.
Convention Halves() { return {.halves = true}; }
// θ_i = base^(−i/D).
Convention ExponentOff() { return {.exponent_scale = 1.0}; }
// Positions 1..T.
Convention FromOne() { return {.first_position = 1}; }

// dX = R dY (the forward rotation again, +φ).
struct NotTransposed : Rope {
  static MatrixXd rope_backward(const MatrixXd& dY) { return Rotate(dY, +1.0, Convention{}); }
};

}  // namespace

GRADER_PACK(Call<Rope>,
            {
                {"halves_pairing", reference::Guard<Call<OtherConvention<Halves>>>},
                {"frequency_exponent_off", reference::Guard<Call<OtherConvention<ExponentOff>>>},
                {"positions_start_at_one", reference::Guard<Call<OtherConvention<FromOne>>>},
                {"backward_not_transposed", reference::Guard<Call<NotTransposed>>},
            })

}  // namespace problems::rope
