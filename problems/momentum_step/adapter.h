// Entry points of momentum_step: a three-step sequence from a zero velocity, each step fed the
// weights and state the previous step returned. Impl is the learner's code (Learner, inside the
// sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::momentum_step {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "momentum_sequence") {
    Eigen::MatrixXd w = AsMatrix(in, "w");
    MomentumState state{Eigen::MatrixXd::Zero(w.rows(), w.cols())};
    const double lr = AsScalar(in, "lr"), mu = AsScalar(in, "mu");
    Tensors out;
    for (int step = 1; step <= 3; ++step) {
      MomentumStepResult r =
          Impl::momentum_step(w, AsMatrix(in, "g" + std::to_string(step)), state, lr, mu);
      w = std::move(r.w);
      state = std::move(r.state);
      out["w_step" + std::to_string(step)] = FromMatrix(w);
    }
    return out;
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static MomentumStepResult momentum_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                          const MomentumState& state, double lr, double mu) {
    return ::momentum_step(w, g, state, lr, mu);
  }
};

}  // namespace problems::momentum_step
