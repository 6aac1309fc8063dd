// Entry points of relu: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::relu {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "relu_forward") return {{"A", FromMatrix(Impl::relu_forward(AsMatrix(in, "Z")))}};
  if (entry == "relu_backward") {
    return {{"dZ", FromMatrix(Impl::relu_backward(AsMatrix(in, "Z"), AsMatrix(in, "dA")))}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return ::relu_forward(Z); }
  static Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
    return ::relu_backward(Z, dA);
  }
};

}  // namespace problems::relu
