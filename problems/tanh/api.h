// tanh: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

// A = tanh(Z), element-wise; finite for any finite Z.   Z: N×D -> A: N×D
Eigen::MatrixXd tanh_forward(const Eigen::MatrixXd& Z);

// dZ = dA ⊙ (1 − tanh(Z)²).   Z, dA: N×D -> dZ: N×D
Eigen::MatrixXd tanh_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA);
