// Reference implementations of softmax and the losses (softmax cross-entropy, mean squared
// error, binary cross-entropy with logits) and of the L2 penalty. Losses average over the
// batch (rows) and sum over outputs; every function is finite for every finite input.
#pragma once

#include <Eigen/Dense>

#include "problems/bce_with_logits/api.h"
#include "problems/l2_regularization/api.h"
#include "problems/mse_loss/api.h"
#include "problems/softmax/api.h"
#include "problems/softmax_cross_entropy/api.h"

namespace reference {

// Row-wise log-softmax, stable for any finite logits.   Z: N×C -> N×C
Eigen::MatrixXd LogSoftmaxRows(const Eigen::MatrixXd& Z);

struct Softmax {
  static Eigen::MatrixXd softmax(const Eigen::MatrixXd& Z);
};

struct SoftmaxCrossEntropy {
  // REQUIRES: 0 <= y[i] < Z.cols()
  static SoftmaxCEResult softmax_cross_entropy(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y);
};

struct Mse {
  static MseResult mse_loss(const Eigen::MatrixXd& Yhat, const Eigen::MatrixXd& Y);
};

struct BceWithLogits {
  static BceResult bce_with_logits(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Y);
};

struct L2Regularization {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda);
};

}  // namespace reference
