// linear_backward: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

// Gradients of Y = X W + 1 bᵀ given the upstream gradient dY.
struct LinearGrads {
  Eigen::MatrixXd dX;  // N×D
  Eigen::MatrixXd dW;  // D×M
  Eigen::VectorXd db;  // M
};

// X: N×D, W: D×M, dY: N×M
LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                            const Eigen::MatrixXd& dY);
