// Reference implementations of inverted dropout (the uniform draws are an input), layer
// normalisation and batch normalisation (PyTorch BatchNorm1d conventions: biased variance for
// normalising, unbiased variance in the running statistics, momentum weighting the new batch).
#pragma once

#include <Eigen/Dense>

#include "problems/batchnorm/api.h"
#include "problems/dropout/api.h"
#include "problems/layernorm/api.h"

namespace reference {

struct Dropout {
  // REQUIRES: 0 < p <= 1 (p is the keep probability)
  static Eigen::MatrixXd dropout_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U,
                                         double p, bool train);
  static Eigen::MatrixXd dropout_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& U,
                                          double p);
};

struct LayerNorm {
  static Eigen::MatrixXd layernorm_forward(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                           const Eigen::VectorXd& beta, double eps);
  static LayerNormGrads layernorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                           const Eigen::VectorXd& gamma, double eps);
};

struct BatchNorm {
  // REQUIRES: X.rows() >= 2 (the running variance is unbiased)
  static BatchNormTrainResult batchnorm_train(const Eigen::MatrixXd& X,
                                              const Eigen::VectorXd& gamma,
                                              const Eigen::VectorXd& beta,
                                              const Eigen::VectorXd& running_mean,
                                              const Eigen::VectorXd& running_var, double momentum,
                                              double eps);
  static Eigen::MatrixXd batchnorm_eval(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                        const Eigen::VectorXd& beta,
                                        const Eigen::VectorXd& running_mean,
                                        const Eigen::VectorXd& running_var, double eps);
  static BatchNormGrads batchnorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                           const Eigen::VectorXd& gamma, double eps);
};

// Normalises the columns of X: returns X̂ = (X − 1μᵀ) ⊘ √(σ² + ε) with the biased σ², and
// the per-column μ and σ² through the out-parameters (either may be null).
Eigen::MatrixXd NormalizeColumns(const Eigen::MatrixXd& X, double eps, Eigen::VectorXd* mean,
                                 Eigen::VectorXd* var);

}  // namespace reference
