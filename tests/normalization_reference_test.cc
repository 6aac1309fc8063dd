// Reference self-checks of dropout, layer norm and batch norm: backward vs central
// differences of the forward, and hand-computed cases from the statements. The references are
// the problems' packs (problems/<id>/reference.cc), loaded as the engine loads them and called
// through their entry points.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

#include "grader/problem_spec.h"
#include "harness/eigen_io.h"
#include "problems/batchnorm/api.h"
#include "problems/layernorm/api.h"
#include "reference/registry.h"
#include "tests/pack_reference.h"
#include "tests/reference_check.h"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using namespace reference_check;

// The packs' references with the signatures of the learner's API.
namespace pack {

using reference::AsMatrix;
using reference::AsVector;
using reference::FromMatrix;
using reference::FromScalar;
using reference::FromVector;

struct Dropout {
  static MatrixXd dropout_forward(const MatrixXd& X, const MatrixXd& U, double p, bool train) {
    return AsMatrix(RunPack("dropout", train ? "dropout_train" : "dropout_eval",
                            {{"X", FromMatrix(X)}, {"U", FromMatrix(U)}, {"p", FromScalar(p)}}),
                    "Y");
  }
  static MatrixXd dropout_backward(const MatrixXd& dY, const MatrixXd& U, double p) {
    return AsMatrix(RunPack("dropout", "dropout_backward",
                            {{"dY", FromMatrix(dY)}, {"U", FromMatrix(U)}, {"p", FromScalar(p)}}),
                    "dX");
  }
};

struct LayerNorm {
  static MatrixXd layernorm_forward(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                    double eps) {
    return AsMatrix(RunPack("layernorm", "layernorm_forward",
                            {{"X", FromMatrix(X)},
                             {"gamma", FromVector(gamma)},
                             {"beta", FromVector(beta)},
                             {"eps", FromScalar(eps)}}),
                    "Y");
  }
  static LayerNormGrads layernorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    const reference::Tensors out = RunPack("layernorm", "layernorm_backward",
                                           {{"dY", FromMatrix(dY)},
                                            {"X", FromMatrix(X)},
                                            {"gamma", FromVector(gamma)},
                                            {"eps", FromScalar(eps)}});
    return {AsMatrix(out, "dX"), AsVector(out, "dgamma"), AsVector(out, "dbeta")};
  }
};

struct BatchNorm {
  static BatchNormTrainResult batchnorm_train(const MatrixXd& X, const VectorXd& gamma,
                                              const VectorXd& beta, const VectorXd& running_mean,
                                              const VectorXd& running_var, double momentum,
                                              double eps) {
    const reference::Tensors out = RunPack("batchnorm", "batchnorm_train",
                                           {{"X", FromMatrix(X)},
                                            {"gamma", FromVector(gamma)},
                                            {"beta", FromVector(beta)},
                                            {"running_mean", FromVector(running_mean)},
                                            {"running_var", FromVector(running_var)},
                                            {"momentum", FromScalar(momentum)},
                                            {"eps", FromScalar(eps)}});
    return {AsMatrix(out, "Y"), AsVector(out, "running_mean"), AsVector(out, "running_var")};
  }
  static MatrixXd batchnorm_eval(const MatrixXd& X, const VectorXd& gamma, const VectorXd& beta,
                                 const VectorXd& running_mean, const VectorXd& running_var,
                                 double eps) {
    return AsMatrix(RunPack("batchnorm", "batchnorm_eval",
                            {{"X", FromMatrix(X)},
                             {"gamma", FromVector(gamma)},
                             {"beta", FromVector(beta)},
                             {"running_mean", FromVector(running_mean)},
                             {"running_var", FromVector(running_var)},
                             {"eps", FromScalar(eps)}}),
                    "Y");
  }
  static BatchNormGrads batchnorm_backward(const MatrixXd& dY, const MatrixXd& X,
                                           const VectorXd& gamma, double eps) {
    const reference::Tensors out = RunPack("batchnorm", "batchnorm_backward",
                                           {{"dY", FromMatrix(dY)},
                                            {"X", FromMatrix(X)},
                                            {"gamma", FromVector(gamma)},
                                            {"eps", FromScalar(eps)}});
    return {AsMatrix(out, "dX"), AsVector(out, "dgamma"), AsVector(out, "dbeta")};
  }
};

}  // namespace pack

// --- dropout and normalisation -----------------------------------------------------------------

TEST(NormalizationReference, BackwardsMatchCentralDifferences) {
  const MatrixXd X = Fixed(5, 4, 2.0, 9), dY = Fixed(5, 4, 1.0, 10);
  const VectorXd gamma = Fixed(4, 1, 0.5, 11).array() + 1.0, beta = Fixed(4, 1, 0.5, 12);
  const MatrixXd U = (Fixed(5, 4, 0.5, 13).array() + 0.5).matrix();  // in [0, 1]
  const double eps = 1e-5;
  auto vjp = [&](const MatrixXd& Y) { return (dY.array() * Y.array()).sum(); };

  // Dropout: the forward is linear in X for fixed draws.
  using pack::Dropout;
  EXPECT_LT(RelError(Dropout::dropout_backward(dY, U, 0.7),
                     NumericalGradient(
                         [&](const MatrixXd& x) {
                           return vjp(Dropout::dropout_forward(x, U, 0.7, true));
                         },
                         X)),
            1e-7);

  using pack::LayerNorm;
  const LayerNormGrads ln = LayerNorm::layernorm_backward(dY, X, gamma, eps);
  EXPECT_LT(RelError(ln.dX, NumericalGradient(
                                [&](const MatrixXd& x) {
                                  return vjp(LayerNorm::layernorm_forward(x, gamma, beta, eps));
                                },
                                X)),
            1e-7);
  EXPECT_LT(RelError(ln.dgamma, NumericalGradient(
                                    [&](const MatrixXd& g) {
                                      return vjp(LayerNorm::layernorm_forward(X, g, beta, eps));
                                    },
                                    gamma)),
            1e-7);
  EXPECT_LT(RelError(ln.dbeta, NumericalGradient(
                                   [&](const MatrixXd& b) {
                                     return vjp(LayerNorm::layernorm_forward(X, gamma, b, eps));
                                   },
                                   beta)),
            1e-7);

  using pack::BatchNorm;
  const VectorXd rm = VectorXd::Zero(4), rv = VectorXd::Ones(4);
  auto bn = [&](const MatrixXd& x, const VectorXd& g, const VectorXd& b) {
    return BatchNorm::batchnorm_train(x, g, b, rm, rv, 0.1, eps).Y;
  };
  const BatchNormGrads grads = BatchNorm::batchnorm_backward(dY, X, gamma, eps);
  EXPECT_LT(RelError(grads.dX, NumericalGradient(
                                   [&](const MatrixXd& x) { return vjp(bn(x, gamma, beta)); }, X)),
            1e-7);
  EXPECT_LT(
      RelError(grads.dgamma,
               NumericalGradient([&](const MatrixXd& g) { return vjp(bn(X, g, beta)); }, gamma)),
      1e-7);
  EXPECT_LT(
      RelError(grads.dbeta,
               NumericalGradient([&](const MatrixXd& b) { return vjp(bn(X, gamma, b)); }, beta)),
      1e-7);
  // Invariant: each column of dX sums to 0 (the mean's gradient).
  EXPECT_LT(grads.dX.colwise().sum().cwiseAbs().maxCoeff(), 1e-12);
}

TEST(NormalizationReference, DropoutHandCases) {
  const MatrixXd X = Row({2, 4, 6}), U = Row({0.1, 0.9, 0.5});
  // p = 0.6 keeps U < 0.6 and scales by 1/0.6.
  EXPECT_LT(RelError(pack::Dropout::dropout_forward(X, U, 0.6, true), Row({2 / 0.6, 0, 6 / 0.6})),
            1e-15);
  EXPECT_EQ(pack::Dropout::dropout_forward(X, U, 0.6, false), X);
  EXPECT_LT(RelError(pack::Dropout::dropout_backward(Row({1, 1, -3}), U, 0.6),
                     Row({1 / 0.6, 0, -3 / 0.6})),
            1e-15);
}

TEST(NormalizationReference, LayerNormHandCase) {
  // Row [1, 2, 3], ε = 0: μ = 2, σ² = 2/3, X̂ = [−1, 0, 1]/√(2/3).
  const double k = 1 / std::sqrt(2.0 / 3.0);
  VectorXd gamma(3), beta(3);
  gamma << 1, 2, 3;
  beta << 0, 1, 0;
  EXPECT_LT(RelError(pack::LayerNorm::layernorm_forward(Row({1, 2, 3}), gamma, beta, 0.0),
                     Row({-k, 1, 3 * k})),
            1e-15);
}

TEST(NormalizationReference, BatchNormHandCases) {
  MatrixXd X(2, 1);
  X << 1, 3;  // μ = 2, biased σ² = 1, unbiased 2, X̂ = [−1, 1]
  const VectorXd gamma = VectorXd::Constant(1, 2.0), beta = VectorXd::Constant(1, 0.5);
  const BatchNormTrainResult r = pack::BatchNorm::batchnorm_train(
      X, gamma, beta, VectorXd::Constant(1, 10.0), VectorXd::Constant(1, 4.0), 0.25, 0.0);
  MatrixXd Y(2, 1);
  Y << -1.5, 2.5;
  EXPECT_LT(RelError(r.Y, Y), 1e-15);
  EXPECT_DOUBLE_EQ(r.running_mean(0), 0.75 * 10 + 0.25 * 2);  // 8
  EXPECT_DOUBLE_EQ(r.running_var(0), 0.75 * 4 + 0.25 * 2);    // 3.5
  // Evaluation: 2·(3 − 1)/√4 + 0.5 = 2.5.
  EXPECT_DOUBLE_EQ(
      pack::BatchNorm::batchnorm_eval(Row({3}), gamma, beta, VectorXd::Constant(1, 1.0),
                                      VectorXd::Constant(1, 4.0), 0.0)(0, 0),
      2.5);
}

}  // namespace
