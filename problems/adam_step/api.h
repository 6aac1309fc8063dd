// adam_step: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

struct AdamState {
  Eigen::MatrixXd m;  // R×C first moment; zero before the first step
  Eigen::MatrixXd v;  // R×C second moment; zero before the first step
  int t = 0;          // steps taken so far
};

struct AdamConfig {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;  // added outside the square root
};

struct AdamStepResult {
  Eigen::MatrixXd w;  // R×C, the new weights
  AdamState state;    // the state for the next step
};

// t ← t+1; m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²; w ← w − lr·m̂/(√v̂ + ε).
AdamStepResult adam_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, const AdamState& state,
                         const AdamConfig& config);
