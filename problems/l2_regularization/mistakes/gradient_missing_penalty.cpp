// Adds the penalty to the loss but forgets its gradient λW.
#include <Eigen/Dense>

RegularizedLoss l2_regularization(const TwoLayerParams& params, const TwoLayerParams& grads,
                                  double data_loss, double lambda) {
  RegularizedLoss r;
  r.loss = data_loss + 0.5 * lambda * (params.W1.squaredNorm() + params.W2.squaredNorm());
  r.grads = grads;
  return r;
}
