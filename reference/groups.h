// The curriculum's problem groups beyond the first three problems, each registered in its own
// file (activations_registry.cc, ...) so that registry.cc adds one line per group.
#pragma once

#include <vector>

#include "reference/registry.h"

namespace reference {

std::vector<ProblemCode> ActivationProblems();  // sigmoid, tanh, gelu
std::vector<ProblemCode> LossProblems();        // softmax, softmax_cross_entropy, mse_loss,
                                                // bce_with_logits, l2_regularization
std::vector<ProblemCode> OptimizerProblems();   // sgd_step, momentum_step, rmsprop_step, adam_step,
                                                // adamw_step, clip_grad_norm, lr_schedule

}  // namespace reference
