// Entry points of batchnorm: decode named inputs, call an implementation, encode outputs.
// Impl is the learner's code (Learner, inside the sandbox), the reference, or a mutant.
#pragma once

#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::batchnorm {

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "batchnorm_train") {
    const BatchNormTrainResult r =
        Impl::batchnorm_train(AsMatrix(in, "X"), AsVector(in, "gamma"), AsVector(in, "beta"),
                              AsVector(in, "running_mean"), AsVector(in, "running_var"),
                              AsScalar(in, "momentum"), AsScalar(in, "eps"));
    return {{"Y", FromMatrix(r.Y)},
            {"running_mean", FromVector(r.running_mean)},
            {"running_var", FromVector(r.running_var)}};
  }
  if (entry == "batchnorm_eval") {
    return {
        {"Y", FromMatrix(Impl::batchnorm_eval(AsMatrix(in, "X"), AsVector(in, "gamma"),
                                              AsVector(in, "beta"), AsVector(in, "running_mean"),
                                              AsVector(in, "running_var"), AsScalar(in, "eps")))}};
  }
  if (entry == "batchnorm_backward") {
    const BatchNormGrads g = Impl::batchnorm_backward(AsMatrix(in, "dY"), AsMatrix(in, "X"),
                                                      AsVector(in, "gamma"), AsScalar(in, "eps"));
    return {
        {"dX", FromMatrix(g.dX)}, {"dgamma", FromVector(g.dgamma)}, {"dbeta", FromVector(g.dbeta)}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static BatchNormTrainResult batchnorm_train(const Eigen::MatrixXd& X,
                                              const Eigen::VectorXd& gamma,
                                              const Eigen::VectorXd& beta,
                                              const Eigen::VectorXd& running_mean,
                                              const Eigen::VectorXd& running_var, double momentum,
                                              double eps) {
    return ::batchnorm_train(X, gamma, beta, running_mean, running_var, momentum, eps);
  }
  static Eigen::MatrixXd batchnorm_eval(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                        const Eigen::VectorXd& beta,
                                        const Eigen::VectorXd& running_mean,
                                        const Eigen::VectorXd& running_var, double eps) {
    return ::batchnorm_eval(X, gamma, beta, running_mean, running_var, eps);
  }
  static BatchNormGrads batchnorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                           const Eigen::VectorXd& gamma, double eps) {
    return ::batchnorm_backward(dY, X, gamma, eps);
  }
};

}  // namespace problems::batchnorm
