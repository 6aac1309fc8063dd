// relu: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

// A = max(0, Z), element-wise.   Z: N×D -> A: N×D
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z);

// dZ = dA ⊙ 1[Z > 0]  (the gradient is 0 where Z <= 0).   Z, dA: N×D -> dZ: N×D
Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA);
