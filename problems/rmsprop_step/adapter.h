// Entry points of rmsprop_step: a three-step sequence from a zero cache, each step fed the
// weights and state the previous step returned. Impl is the learner's code (Learner, inside the
// sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::rmsprop_step {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "rmsprop_sequence") {
    Eigen::MatrixXd w = AsMatrix(in, "w");
    RmspropState state{Eigen::MatrixXd::Zero(w.rows(), w.cols())};
    RmspropConfig config;
    config.lr = AsScalar(in, "lr");
    config.rho = AsScalar(in, "rho");
    config.eps = AsScalar(in, "eps");
    Tensors out;
    for (int step = 1; step <= 3; ++step) {
      const std::string k = std::to_string(step);
      RmspropStepResult r = Impl::rmsprop_step(w, AsMatrix(in, "g" + k), state, config);
      w = std::move(r.w);
      state = std::move(r.state);
      out["w_step" + k] = FromMatrix(w);
      out["s_step" + k] = FromMatrix(state.s);
    }
    return out;
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static RmspropStepResult rmsprop_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& config) {
    return ::rmsprop_step(w, g, state, config);
  }
};

}  // namespace problems::rmsprop_step
