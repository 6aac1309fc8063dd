#include "reference/activations.h"

#include "reference/ieee_exp.h"

namespace reference {

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

}  // namespace reference
