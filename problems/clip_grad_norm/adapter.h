// Entry points of clip_grad_norm: the inputs G1, G2, G3 travel as one list of matrices.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::clip_grad_norm {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "clip_grad_norm") {
    const std::vector<Eigen::MatrixXd> grads = {AsMatrix(in, "G1"), AsMatrix(in, "G2"),
                                                AsMatrix(in, "G3")};
    const ClipResult r = Impl::clip_grad_norm(grads, AsScalar(in, "max_norm"));
    if (r.grads.size() != grads.size()) {
      throw EntryError("clip_grad_norm returned " + std::to_string(r.grads.size()) +
                       " gradients, expected " + std::to_string(grads.size()));
    }
    return {{"G1", FromMatrix(r.grads[0])},
            {"G2", FromMatrix(r.grads[1])},
            {"G3", FromMatrix(r.grads[2])},
            {"total_norm", FromScalar(r.total_norm)}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static ClipResult clip_grad_norm(const std::vector<Eigen::MatrixXd>& grads, double max_norm) {
    return ::clip_grad_norm(grads, max_norm);
  }
};

}  // namespace problems::clip_grad_norm
