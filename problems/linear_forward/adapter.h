// Entry points of linear_forward: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::linear_forward {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "linear_forward") {
    return {{"Y", FromMatrix(Impl::linear_forward(AsMatrix(in, "X"), AsMatrix(in, "W"),
                                                  AsVector(in, "b")))}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static Eigen::MatrixXd linear_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                                        const Eigen::VectorXd& b) {
    return ::linear_forward(X, W, b);
  }
};

}  // namespace problems::linear_forward
