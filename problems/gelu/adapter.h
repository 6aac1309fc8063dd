// Entry points of gelu: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::gelu {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "gelu_forward") return {{"Y", FromMatrix(Impl::gelu_forward(AsMatrix(in, "X")))}};
  if (entry == "gelu_backward") {
    return {{"dX", FromMatrix(Impl::gelu_backward(AsMatrix(in, "X"), AsMatrix(in, "dY")))}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static Eigen::MatrixXd gelu_forward(const Eigen::MatrixXd& X) { return ::gelu_forward(X); }
  static Eigen::MatrixXd gelu_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY) {
    return ::gelu_backward(X, dY);
  }
};

}  // namespace problems::gelu
