// Entry points of mse_loss: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::mse_loss {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "mse_loss") {
    const MseResult r = Impl::mse_loss(AsMatrix(in, "Yhat"), AsMatrix(in, "Y"));
    return {{"loss", FromScalar(r.loss)}, {"dYhat", FromMatrix(r.dYhat)}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static MseResult mse_loss(const Eigen::MatrixXd& Yhat, const Eigen::MatrixXd& Y) {
    return ::mse_loss(Yhat, Y);
  }
};

}  // namespace problems::mse_loss
