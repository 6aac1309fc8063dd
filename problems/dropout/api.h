// dropout: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

// mask = 1[U < p] / p with p the KEEP probability. train: Y = X ⊙ mask; eval: Y = X.
// X, U: N×D (U uniform in [0, 1)) -> Y: N×D
Eigen::MatrixXd dropout_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U, double p,
                                bool train);

// dX = dY ⊙ mask, the mask of the forward pass.   dY, U: N×D -> dX: N×D
Eigen::MatrixXd dropout_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& U, double p);
