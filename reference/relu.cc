#include "reference/relu.h"

namespace reference {

// A = max(0, Z), element-wise.   Z: N×D -> A: N×D
Eigen::MatrixXd Relu::relu_forward(const Eigen::MatrixXd& Z) { return Z.cwiseMax(0.0); }

// dZ = dA ⊙ 1[Z > 0]   (subgradient 0 at Z = 0, as CS231n and Coursera use)
// Z, dA: N×D -> dZ: N×D
Eigen::MatrixXd Relu::relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  const Eigen::ArrayXXd positive = (Z.array() > 0.0).cast<double>();
  return (dA.array() * positive).matrix();
}

}  // namespace reference
