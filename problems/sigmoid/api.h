// sigmoid: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

// A = σ(Z) = 1 / (1 + exp(−Z)), element-wise; finite for any finite Z.   Z: N×D -> A: N×D
Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z);

// dZ = dA ⊙ σ(Z) ⊙ (1 − σ(Z)).   Z, dA: N×D -> dZ: N×D
Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA);
