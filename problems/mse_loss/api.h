// mse_loss: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

struct MseResult {
  double loss = 0.0;      // (1/(2N)) Σ (Yhat − Y)²
  Eigen::MatrixXd dYhat;  // N×K: (Yhat − Y) / N
};

// Yhat, Y: N×K.
MseResult mse_loss(const Eigen::MatrixXd& Yhat, const Eigen::MatrixXd& Y);
