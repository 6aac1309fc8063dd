// softmax_cross_entropy: what the learner implements (the grader makes this visible).
#pragma once
#include <Eigen/Dense>

struct SoftmaxCEResult {
  double loss = 0.0;   // −(1/N) Σ_i log softmax(Z)[i, y_i]
  Eigen::MatrixXd dZ;  // N×C: (softmax(Z) − onehot(y)) / N
};

// Z: N×C logits, y: N labels in [0, C).
SoftmaxCEResult softmax_cross_entropy(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y);
