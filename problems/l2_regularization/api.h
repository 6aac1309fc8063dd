// l2_regularization: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

// The parameters of a two-layer network (or gradients of the same shapes).
struct TwoLayerParams {
  Eigen::MatrixXd W1;  // D×H
  Eigen::VectorXd b1;  // H
  Eigen::MatrixXd W2;  // H×M
  Eigen::VectorXd b2;  // M
};

struct RegularizedLoss {
  double loss = 0.0;     // data_loss + (λ/2)(‖W1‖² + ‖W2‖²)
  TwoLayerParams grads;  // data gradients + λW for the weights; biases unchanged
};

RegularizedLoss l2_regularization(const TwoLayerParams& params, const TwoLayerParams& grads,
                                  double data_loss, double lambda);
