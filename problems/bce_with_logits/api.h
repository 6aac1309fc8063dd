// bce_with_logits: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

struct BceResult {
  double loss = 0.0;   // (1/N) Σ_i Σ_k [max(z,0) − z·y + log(1 + exp(−|z|))]
  Eigen::MatrixXd dZ;  // N×K: (σ(Z) − Y) / N
};

// Z: N×K logits, Y: N×K targets in [0, 1].
BceResult bce_with_logits(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Y);
