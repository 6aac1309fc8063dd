// tanh's trusted code: the reference implementation and its mutants, one per misconception in
// problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>
#include <cmath>

#include "adapter.h"
#include "reference/ieee_exp.h"
#include "reference/pack.h"

namespace problems::tanh {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;
using reference::IeeeExp;

struct Tanh {
  // A = tanh(Z), element-wise (the library tanh saturates to ±1 without overflow).
  static MatrixXd tanh_forward(const MatrixXd& Z) {
    return Z.unaryExpr([](double z) { return std::tanh(z); });
  }

  // dZ = dA ⊙ (1 − tanh(Z)²).   Z, dA: N×D -> dZ: N×D
  static MatrixXd tanh_backward(const MatrixXd& Z, const MatrixXd& dA) {
    const ArrayXXd t = tanh_forward(Z).array();
    return (dA.array() * (1.0 - t.square())).matrix();
  }
};

// (e^z − e^{−z}) / (e^z + e^{−z}) evaluated as written: NaN for |z| > ~709.8.
struct NaiveExp : Tanh {
  static MatrixXd tanh_forward(const MatrixXd& Z) {
    const ArrayXXd ep = IeeeExp(Z.array()), em = IeeeExp(-Z.array());
    return ((ep - em) / (ep + em)).matrix();
  }
};

// 1 − z² instead of 1 − tanh(z)².
struct DerivativeFromZ : Tanh {
  static MatrixXd tanh_backward(const MatrixXd& Z, const MatrixXd& dA) {
    return (dA.array() * (1.0 - Z.array().square())).matrix();
  }
};

// 1 − tanh(tanh(z))², as if the input were already the activation.
struct Twice : Tanh {
  static MatrixXd tanh_backward(const MatrixXd& Z, const MatrixXd& dA) {
    const ArrayXXd t = tanh_forward(tanh_forward(Z)).array();
    return (dA.array() * (1.0 - t.square())).matrix();
  }
};

// The local derivative without ⊙ dA.
struct NoUpstream : Tanh {
  static MatrixXd tanh_backward(const MatrixXd& Z, const MatrixXd&) {
    return (1.0 - tanh_forward(Z).array().square()).matrix();
  }
};

}  // namespace

GRADER_PACK(Call<Tanh>,
            {
                {"naive_exp_overflow", reference::Guard<Call<NaiveExp>>},
                {"derivative_from_preactivation", reference::Guard<Call<DerivativeFromZ>>},
                {"derivative_tanh_twice", reference::Guard<Call<Twice>>},
                {"derivative_without_upstream", reference::Guard<Call<NoUpstream>>},
            })

}  // namespace problems::tanh
