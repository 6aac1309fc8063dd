#include "reference/activations.h"

#include <cmath>

#include "reference/ieee_exp.h"

namespace reference {
namespace {

// GELU tanh-approximation constants (Hendrycks & Gimpel 2016, eq. in §2).
const double kGeluC = std::sqrt(2.0 / M_PI);
constexpr double kGeluK = 0.044715;

}  // namespace

// σ(z) = 1/(1+e^{−z}) for z ≥ 0,  e^{z}/(1+e^{z}) for z < 0: the exponent is always −|z| ≤ 0,
// so nothing overflows (MiniDNN Activation/Sigmoid.h computes the same quantity).
// Z: N×D -> A: N×D
Eigen::MatrixXd Sigmoid::sigmoid_forward(const Eigen::MatrixXd& Z) {
  // e = exp(−|z|) ∈ (0, 1]
  const Eigen::ArrayXXd e = IeeeExp(-Z.array().abs());
  return (Z.array() >= 0.0).select(1.0 / (1.0 + e), e / (1.0 + e)).matrix();
}

// dZ = dA ⊙ s ⊙ (1 − s),  s = σ(Z).   Z, dA: N×D -> dZ: N×D
Eigen::MatrixXd Sigmoid::sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  const Eigen::ArrayXXd s = sigmoid_forward(Z).array();
  return (dA.array() * s * (1.0 - s)).matrix();
}

// A = tanh(Z), element-wise (the library tanh saturates to ±1 without overflow).
Eigen::MatrixXd Tanh::tanh_forward(const Eigen::MatrixXd& Z) {
  return Z.unaryExpr([](double z) { return std::tanh(z); });
}

// dZ = dA ⊙ (1 − tanh(Z)²).   Z, dA: N×D -> dZ: N×D
Eigen::MatrixXd Tanh::tanh_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  const Eigen::ArrayXXd t = tanh_forward(Z).array();
  return (dA.array() * (1.0 - t.square())).matrix();
}

// u = c (x + k x³),  Y = ½ x (1 + tanh u).   X: N×D -> Y: N×D
Eigen::MatrixXd Gelu::gelu_forward(const Eigen::MatrixXd& X) {
  const Eigen::ArrayXXd x = X.array();
  const Eigen::ArrayXXd t =
      (kGeluC * (x + kGeluK * x.cube())).unaryExpr([](double u) { return std::tanh(u); });
  return (0.5 * x * (1.0 + t)).matrix();
}

// dY/dx = ½ (1 + t) + ½ x (1 − t²) · c (1 + 3k x²)   (product rule, then chain rule through u)
// dX = dY ⊙ dY/dx.   X, dY: N×D -> dX: N×D
Eigen::MatrixXd Gelu::gelu_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY) {
  const Eigen::ArrayXXd x = X.array();
  const Eigen::ArrayXXd t =
      (kGeluC * (x + kGeluK * x.cube())).unaryExpr([](double u) { return std::tanh(u); });
  const Eigen::ArrayXXd du_dx = kGeluC * (1.0 + 3.0 * kGeluK * x.square());
  return (dY.array() * (0.5 * (1.0 + t) + 0.5 * x * (1.0 - t.square()) * du_dx)).matrix();
}

}  // namespace reference
