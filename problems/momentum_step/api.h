// momentum_step: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

struct MomentumState {
  Eigen::MatrixXd velocity;  // R×C; zero before the first step
};

struct MomentumStepResult {
  Eigen::MatrixXd w;    // R×C, the new weights
  MomentumState state;  // the state for the next step
};

// v ← μv − lr·g;  w ← w + v.
MomentumStepResult momentum_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                 const MomentumState& state, double lr, double mu);
