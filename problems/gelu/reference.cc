// gelu's trusted code: the reference implementation (tanh approximation) and its mutants, one
// per misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the
// engine, never shown to learners.
#include <Eigen/Dense>
#include <cmath>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::gelu {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;

// GELU tanh-approximation constants (Hendrycks & Gimpel 2016, eq. in §2).
const double kGeluC = std::sqrt(2.0 / M_PI);
constexpr double kGeluK = 0.044715;

// t = tanh(u),  u = c (x + k x³)
ArrayXXd GeluTanh(const ArrayXXd& x) {
  return (kGeluC * (x + kGeluK * x.cube())).unaryExpr([](double u) { return std::tanh(u); });
}

struct Gelu {
  // u = c (x + k x³),  Y = ½ x (1 + tanh u).   X: N×D -> Y: N×D
  static MatrixXd gelu_forward(const MatrixXd& X) {
    const ArrayXXd x = X.array();
    const ArrayXXd t =
        (kGeluC * (x + kGeluK * x.cube())).unaryExpr([](double u) { return std::tanh(u); });
    return (0.5 * x * (1.0 + t)).matrix();
  }

  // dY/dx = ½ (1 + t) + ½ x (1 − t²) · c (1 + 3k x²)   (product rule, then chain rule through u)
  // dX = dY ⊙ dY/dx.   X, dY: N×D -> dX: N×D
  static MatrixXd gelu_backward(const MatrixXd& X, const MatrixXd& dY) {
    const ArrayXXd x = X.array();
    const ArrayXXd t =
        (kGeluC * (x + kGeluK * x.cube())).unaryExpr([](double u) { return std::tanh(u); });
    const ArrayXXd du_dx = kGeluC * (1.0 + 3.0 * kGeluK * x.square());
    return (dY.array() * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t.square()) * du_dx)).matrix();
  }
};

// The exact GELU ½ x (1 + erf(x/√2)) instead of the requested tanh approximation.
struct ExactErf : Gelu {
  static MatrixXd gelu_forward(const MatrixXd& X) {
    return X.unaryExpr([](double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); });
  }
};

// Product rule forgotten: d/dx[½ x (1 + t)] taken as ½ (1 + t).
struct NoProductRule : Gelu {
  static MatrixXd gelu_backward(const MatrixXd& X, const MatrixXd& dY) {
    return (dY.array() * 0.5 * (1.0 + GeluTanh(X.array()))).matrix();
  }
};

// Chain rule stopped at tanh: du/dx taken as c instead of c (1 + 3k x²).
struct NoInnerDerivative : Gelu {
  static MatrixXd gelu_backward(const MatrixXd& X, const MatrixXd& dY) {
    const ArrayXXd x = X.array(), t = GeluTanh(x);
    return (dY.array() * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t.square()) * kGeluC)).matrix();
  }
};

// The local derivative without ⊙ dY.
struct NoUpstream : Gelu {
  static MatrixXd gelu_backward(const MatrixXd& X, const MatrixXd& dY) {
    return Gelu::gelu_backward(X, MatrixXd::Ones(dY.rows(), dY.cols()));
  }
};

}  // namespace

GRADER_PACK(Call<Gelu>,
            {
                {"exact_erf_instead_of_tanh", reference::Guard<Call<ExactErf>>},
                {"derivative_missing_product_rule", reference::Guard<Call<NoProductRule>>},
                {"derivative_missing_inner_derivative", reference::Guard<Call<NoInnerDerivative>>},
                {"derivative_without_upstream", reference::Guard<Call<NoUpstream>>},
            })

}  // namespace problems::gelu
