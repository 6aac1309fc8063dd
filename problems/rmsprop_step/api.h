// rmsprop_step: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

struct RmspropState {
  Eigen::MatrixXd s;  // R×C running mean of g²; zero before the first step
};

struct RmspropConfig {
  double lr = 0.01;
  double rho = 0.99;  // decay of the cache
  double eps = 1e-8;  // added outside the square root
};

struct RmspropStepResult {
  Eigen::MatrixXd w;   // R×C, the new weights
  RmspropState state;  // the state for the next step
};

// s ← ρs + (1−ρ)g²;  w ← w − lr·g / (√s + ε).
RmspropStepResult rmsprop_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                               const RmspropState& state, const RmspropConfig& config);
