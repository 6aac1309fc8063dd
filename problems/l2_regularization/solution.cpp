#include <Eigen/Dense>

RegularizedLoss l2_regularization(const TwoLayerParams& params, const TwoLayerParams& grads,
                                  double data_loss, double lambda) {
  RegularizedLoss r;
  r.loss = data_loss + 0.5 * lambda * (params.W1.squaredNorm() + params.W2.squaredNorm());
  r.grads = grads;
  r.grads.W1 += lambda * params.W1;
  r.grads.W2 += lambda * params.W2;
  return r;
}
