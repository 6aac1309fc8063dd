// relu's trusted code: the reference implementation and its mutants, one per misconception in
// problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::relu {
namespace {

using Eigen::MatrixXd;

// The rectified linear unit.
struct Relu {
  // A = max(0, Z), element-wise.   Z: N×D -> A: N×D
  static MatrixXd relu_forward(const MatrixXd& Z) { return Z.cwiseMax(0.0); }

  // dZ = dA ⊙ 1[Z > 0]   (subgradient 0 at Z = 0, as CS231n and Coursera use)
  // Z, dA: N×D -> dZ: N×D
  static MatrixXd relu_backward(const MatrixXd& Z, const MatrixXd& dA) {
    const Eigen::ArrayXXd positive = (Z.array() > 0.0).cast<double>();
    return (dA.array() * positive).matrix();
  }
};

// A = |Z|
struct ForwardAbs : Relu {
  static MatrixXd relu_forward(const MatrixXd& Z) { return Z.cwiseAbs(); }
};

// dZ = dA ⊙ 1[Z ≥ 0]
struct DerivativeOneAtZero : Relu {
  static MatrixXd relu_backward(const MatrixXd& Z, const MatrixXd& dA) {
    return (Z.array() >= 0.0).select(dA.array(), 0.0).matrix();
  }
};

// dZ = dA ⊙ 1[dA > 0]
struct MaskFromUpstream : Relu {
  static MatrixXd relu_backward(const MatrixXd&, const MatrixXd& dA) {
    return (dA.array() > 0.0).select(dA.array(), 0.0).matrix();
  }
};

// dZ = 1[Z > 0]
struct MaskWithoutUpstream : Relu {
  static MatrixXd relu_backward(const MatrixXd& Z, const MatrixXd&) {
    return (Z.array() > 0.0).cast<double>().matrix();
  }
};

}  // namespace

GRADER_PACK(Call<Relu>, {
                            {"forward_abs", reference::Guard<Call<ForwardAbs>>},
                            {"derivative_one_at_zero", reference::Guard<Call<DerivativeOneAtZero>>},
                            {"mask_from_upstream", reference::Guard<Call<MaskFromUpstream>>},
                            {"mask_without_upstream", reference::Guard<Call<MaskWithoutUpstream>>},
                        })

}  // namespace problems::relu
