// Entry points of l2_regularization: decode named inputs, call an implementation, encode
// outputs. Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::l2_regularization {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "l2_regularization") {
    const TwoLayerParams params{AsMatrix(in, "W1"), AsVector(in, "b1"), AsMatrix(in, "W2"),
                                AsVector(in, "b2")};
    const TwoLayerParams grads{AsMatrix(in, "dW1"), AsVector(in, "db1"), AsMatrix(in, "dW2"),
                               AsVector(in, "db2")};
    const RegularizedLoss r =
        Impl::l2_regularization(params, grads, AsScalar(in, "data_loss"), AsScalar(in, "lambda"));
    return {{"loss", FromScalar(r.loss)},
            {"dW1", FromMatrix(r.grads.W1)},
            {"db1", FromVector(r.grads.b1)},
            {"dW2", FromMatrix(r.grads.W2)},
            {"db2", FromVector(r.grads.b2)}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    return ::l2_regularization(params, grads, data_loss, lambda);
  }
};

}  // namespace problems::l2_regularization
