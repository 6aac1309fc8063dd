// Entry points of dropout: dropout_train and dropout_eval call dropout_forward in the two
// modes. Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::dropout {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "dropout_train" || entry == "dropout_eval") {
    const bool train = entry == "dropout_train";
    return {{"Y", FromMatrix(Impl::dropout_forward(AsMatrix(in, "X"), AsMatrix(in, "U"),
                                                   AsScalar(in, "p"), train))}};
  }
  if (entry == "dropout_backward") {
    return {{"dX", FromMatrix(Impl::dropout_backward(AsMatrix(in, "dY"), AsMatrix(in, "U"),
                                                     AsScalar(in, "p")))}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static Eigen::MatrixXd dropout_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U,
                                         double p, bool train) {
    return ::dropout_forward(X, U, p, train);
  }
  static Eigen::MatrixXd dropout_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& U,
                                          double p) {
    return ::dropout_backward(dY, U, p);
  }
};

}  // namespace problems::dropout
