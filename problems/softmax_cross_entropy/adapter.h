// Entry points of softmax_cross_entropy: decode named inputs, call an implementation, encode
// outputs. Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::softmax_cross_entropy {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "softmax_cross_entropy") {
    const SoftmaxCEResult r = Impl::softmax_cross_entropy(AsMatrix(in, "Z"), AsLabels(in, "y"));
    return {{"loss", FromScalar(r.loss)}, {"dZ", FromMatrix(r.dZ)}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static SoftmaxCEResult softmax_cross_entropy(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y) {
    return ::softmax_cross_entropy(Z, y);
  }
};

}  // namespace problems::softmax_cross_entropy
