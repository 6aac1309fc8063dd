// Entry points of bce_with_logits: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::bce_with_logits {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "bce_with_logits") {
    const BceResult r = Impl::bce_with_logits(AsMatrix(in, "Z"), AsMatrix(in, "Y"));
    return {{"loss", FromScalar(r.loss)}, {"dZ", FromMatrix(r.dZ)}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static BceResult bce_with_logits(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Y) {
    return ::bce_with_logits(Z, Y);
  }
};

}  // namespace problems::bce_with_logits
