// adamw_step: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

struct AdamWState {
  Eigen::MatrixXd m;  // R×C first moment; zero before the first step
  Eigen::MatrixXd v;  // R×C second moment; zero before the first step
  int t = 0;          // steps taken so far
};

struct AdamWConfig {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;  // λ, decoupled: w ← w − lr·λ·w
};

struct AdamWStepResult {
  Eigen::MatrixXd w;  // R×C, the new weights
  AdamWState state;   // the state for the next step
};

// Adam on g, plus w ← w − lr·λ·w with the weights before the step.
AdamWStepResult adamw_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                           const AdamWState& state, const AdamWConfig& config);
