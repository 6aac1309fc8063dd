// softmax: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

// P[i,j] = exp(Z[i,j] − max_k Z[i,k]) / Σ_k exp(Z[i,k] − max_k Z[i,k]).   Z: N×C -> P: N×C
Eigen::MatrixXd softmax(const Eigen::MatrixXd& Z);
