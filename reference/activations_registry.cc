// Registration of tanh and gelu with their mutants: each mutant is the reference with
// one function replaced by a catalogued misconception (docs/misconceptions.md).
#include <cmath>

#include "problems/gelu/adapter.h"
#include "problems/tanh/adapter.h"
#include "reference/activations.h"
#include "reference/groups.h"
#include "reference/ieee_exp.h"

namespace reference {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;

// --- tanh ------------------------------------------------------------------------------------

// (e^z − e^{−z}) / (e^z + e^{−z}) evaluated as written: NaN for |z| > ~709.8.
struct TanhNaiveExp : Tanh {
  static MatrixXd tanh_forward(const MatrixXd& Z) {
    const ArrayXXd ep = IeeeExp(Z.array()), em = IeeeExp(-Z.array());
    return ((ep - em) / (ep + em)).matrix();
  }
};

// 1 − z² instead of 1 − tanh(z)².
struct TanhDerivativeFromZ : Tanh {
  static MatrixXd tanh_backward(const MatrixXd& Z, const MatrixXd& dA) {
    return (dA.array() * (1.0 - Z.array().square())).matrix();
  }
};

// 1 − tanh(tanh(z))², as if the input were already the activation.
struct TanhTwice : Tanh {
  static MatrixXd tanh_backward(const MatrixXd& Z, const MatrixXd& dA) {
    const ArrayXXd t = tanh_forward(tanh_forward(Z)).array();
    return (dA.array() * (1.0 - t.square())).matrix();
  }
};

struct TanhNoUpstream : Tanh {
  static MatrixXd tanh_backward(const MatrixXd& Z, const MatrixXd&) {
    return (1.0 - tanh_forward(Z).array().square()).matrix();
  }
};

// --- gelu ------------------------------------------------------------------------------------

const double kC = std::sqrt(2.0 / M_PI);
constexpr double kK = 0.044715;

ArrayXXd GeluTanh(const ArrayXXd& x) {
  return (kC * (x + kK * x.cube())).unaryExpr([](double u) { return std::tanh(u); });
}

// The exact GELU ½ x (1 + erf(x/√2)) instead of the requested tanh approximation.
struct GeluExactErf : Gelu {
  static MatrixXd gelu_forward(const MatrixXd& X) {
    return X.unaryExpr([](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); });
  }
};

// Product rule forgotten: d/dx[½ x (1 + t)] taken as ½ (1 + t).
struct GeluNoProductRule : Gelu {
  static MatrixXd gelu_backward(const MatrixXd& X, const MatrixXd& dY) {
    return (dY.array() * 0.5 * (1.0 + GeluTanh(X.array()))).matrix();
  }
};

// Chain rule stopped at tanh: du/dx taken as c instead of c (1 + 3k x²).
struct GeluNoInnerDerivative : Gelu {
  static MatrixXd gelu_backward(const MatrixXd& X, const MatrixXd& dY) {
    const ArrayXXd x = X.array(), t = GeluTanh(x);
    return (dY.array() * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t.square()) * kC)).matrix();
  }
};

struct GeluNoUpstream : Gelu {
  static MatrixXd gelu_backward(const MatrixXd& X, const MatrixXd& dY) {
    return Gelu::gelu_backward(X, MatrixXd::Ones(dY.rows(), dY.cols()));
  }
};

const char kNoUpstream[] =
    "You returned the local derivative but did not multiply it by the upstream gradient. "
    "By the chain rule the input gradient is the upstream gradient times the local derivative, "
    "element by element.";

}  // namespace

std::vector<ProblemCode> ActivationProblems() {
  return {
      {"tanh",
       &problems::tanh::Call<Tanh>,
       {
           {"naive_exp_overflow",
            "tanh_forward",
            {"numerical-stability"},
            "Your tanh returns NaN for large |z|: exp(±z) overflows to inf above 709.8 and "
            "inf/inf is NaN. Use std::tanh (or Z.array().tanh()), which saturates to ±1.",
            &problems::tanh::Call<TanhNaiveExp>},
           {"derivative_from_preactivation",
            "tanh_backward",
            {"activation-derivative"},
            "You used 1 − Z² as the derivative. The formula is 1 − tanh(Z)²: square the "
            "activation, not the input.",
            &problems::tanh::Call<TanhDerivativeFromZ>},
           {"derivative_tanh_twice",
            "tanh_backward",
            {"activation-derivative"},
            "You applied tanh twice: the backward pass receives the pre-activation Z, so the "
            "derivative is 1 − tanh(Z)², with tanh applied once.",
            &problems::tanh::Call<TanhTwice>},
           {"derivative_without_upstream",
            "tanh_backward",
            {"chain-rule"},
            kNoUpstream,
            &problems::tanh::Call<TanhNoUpstream>},
       }},
      {"gelu",
       &problems::gelu::Call<Gelu>,
       {
           {"exact_erf_instead_of_tanh",
            "gelu_forward",
            {"activation-forward"},
            "You implemented the exact GELU ½x(1 + erf(x/√2)). This problem asks for the tanh "
            "approximation ½x(1 + tanh(√(2/π)(x + 0.044715x³))); the two differ by up to 5e-4.",
            &problems::gelu::Call<GeluExactErf>},
           {"derivative_missing_product_rule",
            "gelu_backward",
            {"activation-derivative"},
            "Your derivative is ½(1 + t) only. GELU is ½x·(1 + t(x)), a product of two functions "
            "of x: add the second term ½x(1 − t²)·du/dx.",
            &problems::gelu::Call<GeluNoProductRule>},
           {"derivative_missing_inner_derivative",
            "gelu_backward",
            {"chain-rule"},
            "You stopped the chain rule at tanh: u = √(2/π)(x + 0.044715x³), so du/dx = "
            "√(2/π)(1 + 3·0.044715·x²), not √(2/π).",
            &problems::gelu::Call<GeluNoInnerDerivative>},
           {"derivative_without_upstream",
            "gelu_backward",
            {"chain-rule"},
            kNoUpstream,
            &problems::gelu::Call<GeluNoUpstream>},
       }},
  };
}

}  // namespace reference
