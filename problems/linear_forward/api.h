// linear_forward: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

// Y = X W + 1 bᵀ.   X: N×D, W: D×M, b: M  ->  Y: N×M  (rows are samples)
Eigen::MatrixXd linear_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                               const Eigen::VectorXd& b);
