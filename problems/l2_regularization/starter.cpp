// l2_regularization: L = data_loss + (λ/2)(‖W1‖² + ‖W2‖²);  dW += λW;  biases not regularised.
// TwoLayerParams { W1, b1, W2, b2 } and RegularizedLoss { loss, grads } are declared for you.
#include <Eigen/Dense>

RegularizedLoss l2_regularization(const TwoLayerParams& params, const TwoLayerParams& grads,
                                  double data_loss, double lambda) {
  RegularizedLoss r;
  // TODO: add the penalty to the loss and its gradient to the weight gradients.
  (void)params;
  (void)lambda;
  r.loss = data_loss;
  r.grads = grads;
  return r;
}
