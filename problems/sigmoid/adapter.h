// Entry points of sigmoid: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::sigmoid {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "sigmoid_forward") {
    return {{"A", FromMatrix(Impl::sigmoid_forward(AsMatrix(in, "Z")))}};
  }
  if (entry == "sigmoid_backward") {
    return {{"dZ", FromMatrix(Impl::sigmoid_backward(AsMatrix(in, "Z"), AsMatrix(in, "dA")))}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z) { return ::sigmoid_forward(Z); }
  static Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
    return ::sigmoid_backward(Z, dA);
  }
};

}  // namespace problems::sigmoid
