// gelu: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

// Y = ½ X (1 + tanh(√(2/π) (X + 0.044715 X³))), element-wise.   X: N×D -> Y: N×D
Eigen::MatrixXd gelu_forward(const Eigen::MatrixXd& X);

// dX = dY ⊙ GELU'(X).   X, dY: N×D -> dX: N×D
Eigen::MatrixXd gelu_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY);
