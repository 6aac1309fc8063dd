// Mutants of ReLU (docs/misconceptions.md, and |Z| for max(0, Z)).
#include "problems/relu/adapter.h"
#include "reference/mutants.h"
#include "reference/relu.h"

namespace reference {
namespace {

using Eigen::MatrixXd;

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

std::vector<Mutant> ReluMutants() {
  using problems::relu::Call;
  return {
      {"forward_abs",
       "relu_forward",
       {"activation-forward"},
       "You computed |Z| instead of max(0, Z). ReLU keeps positive values and sets negative "
       "ones to 0.",
       &Call<ForwardAbs>},
      {"derivative_one_at_zero",
       "relu_backward",
       {"activation-derivative"},
       "You let the gradient through where Z is exactly 0 (mask Z >= 0). The convention here is "
       "a derivative of 0 at Z = 0: use the mask Z > 0.",
       &Call<DerivativeOneAtZero>},
      {"mask_from_upstream",
       "relu_backward",
       {"activation-derivative", "chain-rule"},
       "You took the mask from the upstream gradient dA instead of from the input Z. The local "
       "derivative of ReLU depends on its input: dZ = dA ⊙ 1[Z > 0].",
       &Call<MaskFromUpstream>},
      {"mask_without_upstream",
       "relu_backward",
       {"chain-rule"},
       "You returned the local derivative 1[Z > 0] and forgot to multiply it by the upstream "
       "gradient. By the chain rule, dZ = dA ⊙ 1[Z > 0].",
       &Call<MaskWithoutUpstream>},
  };
}

}  // namespace reference
