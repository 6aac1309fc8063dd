// layernorm: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

struct LayerNormGrads {
  Eigen::MatrixXd dX;      // N×D
  Eigen::VectorXd dgamma;  // D
  Eigen::VectorXd dbeta;   // D
};

// Y = γ ⊙ (X − μ_row) / √(σ²_row + ε) + β, statistics per row over the D features.
// X: N×D, gamma, beta: D -> Y: N×D
Eigen::MatrixXd layernorm_forward(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                  const Eigen::VectorXd& beta, double eps);

// Gradients of layernorm_forward given dY (N×D); recomputes the statistics from X.
LayerNormGrads layernorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                  const Eigen::VectorXd& gamma, double eps);
