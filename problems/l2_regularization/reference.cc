// l2_regularization's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::l2_regularization {
namespace {

struct L2Regularization {
  // L = data_loss + (λ/2)(‖W1‖²_F + ‖W2‖²_F);  dW_k += λ W_k;  biases unchanged.
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    RegularizedLoss r;
    r.loss = data_loss + 0.5 * lambda * (params.W1.squaredNorm() + params.W2.squaredNorm());
    r.grads = grads;
    r.grads.W1 += lambda * params.W1;  // D×H
    r.grads.W2 += lambda * params.W2;  // H×M
    return r;
  }
};

// The penalty's gradient λW is forgotten.
struct NoGradient : L2Regularization {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    RegularizedLoss r = L2Regularization::l2_regularization(params, grads, data_loss, lambda);
    r.grads = grads;
    return r;
  }
};

// The biases are regularised too.
struct Biases : L2Regularization {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    RegularizedLoss r = L2Regularization::l2_regularization(params, grads, data_loss, lambda);
    r.loss += 0.5 * lambda * (params.b1.squaredNorm() + params.b2.squaredNorm());
    r.grads.b1 += lambda * params.b1;
    r.grads.b2 += lambda * params.b2;
    return r;
  }
};

// ½λ‖W‖² differentiated as 2λW.
struct DoubledGradient : L2Regularization {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    return L2Regularization::l2_regularization(
        params, L2Regularization::l2_regularization(params, grads, 0.0, lambda).grads, data_loss,
        lambda);
  }
};

// The penalty is λ‖W‖² (no ½) while the gradient is λW.
struct PenaltyNoHalf : L2Regularization {
  static RegularizedLoss l2_regularization(const TwoLayerParams& params,
                                           const TwoLayerParams& grads, double data_loss,
                                           double lambda) {
    RegularizedLoss r = L2Regularization::l2_regularization(params, grads, data_loss, lambda);
    r.loss += 0.5 * lambda * (params.W1.squaredNorm() + params.W2.squaredNorm());
    return r;
  }
};

}  // namespace

GRADER_PACK(Call<L2Regularization>,
            {
                {"gradient_missing_penalty", reference::Guard<Call<NoGradient>>},
                {"biases_regularized", reference::Guard<Call<Biases>>},
                {"doubled_weight_gradient", reference::Guard<Call<DoubledGradient>>},
                {"penalty_without_half", reference::Guard<Call<PenaltyNoHalf>>},
            })

}  // namespace problems::l2_regularization
