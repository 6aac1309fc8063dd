// Entry points of linear_backward: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::linear_backward {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "linear_backward") {
    LinearGrads g = Impl::linear_backward(AsMatrix(in, "X"), AsMatrix(in, "W"), AsMatrix(in, "dY"));
    return {{"dX", FromMatrix(g.dX)}, {"dW", FromMatrix(g.dW)}, {"db", FromVector(g.db)}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                                     const Eigen::MatrixXd& dY) {
    return ::linear_backward(X, W, dY);
  }
};

}  // namespace problems::linear_backward
