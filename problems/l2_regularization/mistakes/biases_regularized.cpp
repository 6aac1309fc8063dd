// Regularises every parameter, the biases included.
#include <Eigen/Dense>

RegularizedLoss l2_regularization(const TwoLayerParams& params, const TwoLayerParams& grads,
                                  double data_loss, double lambda) {
  RegularizedLoss r;
  r.loss = data_loss + 0.5 * lambda *
                           (params.W1.squaredNorm() + params.b1.squaredNorm() +
                            params.W2.squaredNorm() + params.b2.squaredNorm());
  r.grads.W1 = grads.W1 + lambda * params.W1;
  r.grads.b1 = grads.b1 + lambda * params.b1;
  r.grads.W2 = grads.W2 + lambda * params.W2;
  r.grads.b2 = grads.b2 + lambda * params.b2;
  return r;
}
