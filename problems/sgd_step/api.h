// sgd_step: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

// Returns the new weights w − lr·g.   w, g: R×C
Eigen::MatrixXd sgd_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, double lr);
