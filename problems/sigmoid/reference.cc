// sigmoid's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/ieee_exp.h"
#include "reference/pack.h"

namespace problems::sigmoid {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;
using reference::IeeeExp;

struct Sigmoid {
  // σ(z) = 1/(1+e^{−z}) for z ≥ 0,  e^{z}/(1+e^{z}) for z < 0: the exponent is always −|z| ≤ 0,
  // so nothing overflows (MiniDNN Activation/Sigmoid.h computes the same quantity).
  // Z: N×D -> A: N×D
  static MatrixXd sigmoid_forward(const MatrixXd& Z) {
    // e = exp(−|z|) ∈ (0, 1]
    const ArrayXXd e = IeeeExp(-Z.array().abs());
    return (Z.array() >= 0.0).select(1.0 / (1.0 + e), e / (1.0 + e)).matrix();
  }

  // dZ = dA ⊙ s ⊙ (1 − s),  s = σ(Z).   Z, dA: N×D -> dZ: N×D
  static MatrixXd sigmoid_backward(const MatrixXd& Z, const MatrixXd& dA) {
    const ArrayXXd s = sigmoid_forward(Z).array();
    return (dA.array() * s * (1.0 - s)).matrix();
  }
};

// exp(z) / (1 + exp(z)) evaluated as written: inf / inf = NaN for z > ~709.8.
struct NaiveExp : Sigmoid {
  static MatrixXd sigmoid_forward(const MatrixXd& Z) {
    const ArrayXXd e = IeeeExp(Z.array());
    return (e / (1.0 + e)).matrix();
  }
};

// z ⊙ (1 − z) with the pre-activation.
struct DerivativeFromZ : Sigmoid {
  static MatrixXd sigmoid_backward(const MatrixXd& Z, const MatrixXd& dA) {
    return (dA.array() * Z.array() * (1.0 - Z.array())).matrix();
  }
};

// s(1 − s) with s = σ(σ(z)).
struct Twice : Sigmoid {
  static MatrixXd sigmoid_backward(const MatrixXd& Z, const MatrixXd& dA) {
    const ArrayXXd s = sigmoid_forward(sigmoid_forward(Z)).array();
    return (dA.array() * s * (1.0 - s)).matrix();
  }
};

// The local derivative without ⊙ dA.
struct NoUpstream : Sigmoid {
  static MatrixXd sigmoid_backward(const MatrixXd& Z, const MatrixXd&) {
    const ArrayXXd s = sigmoid_forward(Z).array();
    return (s * (1.0 - s)).matrix();
  }
};

}  // namespace

GRADER_PACK(Call<Sigmoid>,
            {
                {"naive_exp_overflow", reference::Guard<Call<NaiveExp>>},
                {"derivative_from_preactivation", reference::Guard<Call<DerivativeFromZ>>},
                {"derivative_sigmoid_twice", reference::Guard<Call<Twice>>},
                {"derivative_without_upstream", reference::Guard<Call<NoUpstream>>},
            })

}  // namespace problems::sigmoid
