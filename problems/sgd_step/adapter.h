// Entry points of sgd_step: a three-step sequence, each step fed the weights the previous step
// returned. Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::sgd_step {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "sgd_sequence") {
    Eigen::MatrixXd w = AsMatrix(in, "w");
    const double lr = AsScalar(in, "lr");
    Tensors out;
    for (int step = 1; step <= 3; ++step) {
      w = Impl::sgd_step(w, AsMatrix(in, "g" + std::to_string(step)), lr);
      out["w_step" + std::to_string(step)] = FromMatrix(w);
    }
    return out;
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static Eigen::MatrixXd sgd_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, double lr) {
    return ::sgd_step(w, g, lr);
  }
};

}  // namespace problems::sgd_step
