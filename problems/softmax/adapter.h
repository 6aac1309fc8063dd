// Entry points of softmax: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::softmax {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "softmax") return {{"P", FromMatrix(Impl::softmax(AsMatrix(in, "Z")))}};
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static Eigen::MatrixXd softmax(const Eigen::MatrixXd& Z) { return ::softmax(Z); }
};

}  // namespace problems::softmax
