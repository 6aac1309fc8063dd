// Reference implementations of the optimizers (SGD, momentum, RMSProp, Adam, AdamW), global
// gradient-norm clipping and the warm-up + cosine learning-rate schedule. Optimizer state is
// passed in and returned explicitly: nothing here keeps state between calls.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "problems/adam_step/api.h"
#include "problems/adamw_step/api.h"
#include "problems/clip_grad_norm/api.h"
#include "problems/lr_schedule/api.h"
#include "problems/momentum_step/api.h"
#include "problems/rmsprop_step/api.h"
#include "problems/sgd_step/api.h"

namespace reference {

struct Sgd {
  static Eigen::MatrixXd sgd_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, double lr);
};

struct Momentum {
  static MomentumStepResult momentum_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                          const MomentumState& state, double lr, double mu);
};

struct Rmsprop {
  static RmspropStepResult rmsprop_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& config);
};

struct Adam {
  static AdamStepResult adam_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                  const AdamState& state, const AdamConfig& config);
};

struct AdamW {
  static AdamWStepResult adamw_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g,
                                    const AdamWState& state, const AdamWConfig& config);
};

struct ClipGradNorm {
  // REQUIRES: max_norm > 0
  static ClipResult clip_grad_norm(const std::vector<Eigen::MatrixXd>& grads, double max_norm);
};

struct CosineSchedule {
  // REQUIRES: step >= 0, 1 <= warmup_steps < total_steps
  static double lr_at(int step, const LrSchedule& schedule);
};

}  // namespace reference
