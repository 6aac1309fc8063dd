// Entry points of adam_step: a three-step sequence from m = v = 0, t = 0, each step fed the
// weights and state the previous step returned. Impl is the learner's code (Learner, inside the
// sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::adam_step {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "adam_sequence") {
    Eigen::MatrixXd w = AsMatrix(in, "w");
    AdamState state;
    state.m = Eigen::MatrixXd::Zero(w.rows(), w.cols());
    state.v = Eigen::MatrixXd::Zero(w.rows(), w.cols());
    state.t = 0;
    AdamConfig config;
    config.lr = AsScalar(in, "lr");
    config.beta1 = AsScalar(in, "beta1");
    config.beta2 = AsScalar(in, "beta2");
    config.eps = AsScalar(in, "eps");
    Tensors out;
    for (int step = 1; step <= 3; ++step) {
      const std::string k = std::to_string(step);
      AdamStepResult r = Impl::adam_step(w, AsMatrix(in, "g" + k), state, config);
      w = std::move(r.w);
      state = std::move(r.state);
      out["w_step" + k] = FromMatrix(w);
      out["m_step" + k] = FromMatrix(state.m);
      out["v_step" + k] = FromMatrix(state.v);
      out["t_step" + k] = FromScalar(static_cast<double>(state.t));
    }
    return out;
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static AdamStepResult adam_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                  const AdamState& state, const AdamConfig& config) {
    return ::adam_step(w, g, state, config);
  }
};

}  // namespace problems::adam_step
