// Entry points of layernorm: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::layernorm {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "layernorm_forward") {
    return {{"Y", FromMatrix(Impl::layernorm_forward(AsMatrix(in, "X"), AsVector(in, "gamma"),
                                                     AsVector(in, "beta"), AsScalar(in, "eps")))}};
  }
  if (entry == "layernorm_backward") {
    const LayerNormGrads g = Impl::layernorm_backward(AsMatrix(in, "dY"), AsMatrix(in, "X"),
                                                      AsVector(in, "gamma"), AsScalar(in, "eps"));
    return {
        {"dX", FromMatrix(g.dX)}, {"dgamma", FromVector(g.dgamma)}, {"dbeta", FromVector(g.dbeta)}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static Eigen::MatrixXd layernorm_forward(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                           const Eigen::VectorXd& beta, double eps) {
    return ::layernorm_forward(X, gamma, beta, eps);
  }
  static LayerNormGrads layernorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                           const Eigen::VectorXd& gamma, double eps) {
    return ::layernorm_backward(dY, X, gamma, eps);
  }
};

}  // namespace problems::layernorm
