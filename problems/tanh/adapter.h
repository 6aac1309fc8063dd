// Entry points of tanh: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::tanh {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "tanh_forward") {
    return {{"A", FromMatrix(Impl::tanh_forward(AsMatrix(in, "Z")))}};
  }
  if (entry == "tanh_backward") {
    return {{"dZ", FromMatrix(Impl::tanh_backward(AsMatrix(in, "Z"), AsMatrix(in, "dA")))}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static Eigen::MatrixXd tanh_forward(const Eigen::MatrixXd& Z) { return ::tanh_forward(Z); }
  static Eigen::MatrixXd tanh_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
    return ::tanh_backward(Z, dA);
  }
};

}  // namespace problems::tanh
