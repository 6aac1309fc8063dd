#include "reference/losses.h"

#include <cmath>

#include "reference/activations.h"
#include "reference/ieee_exp.h"

namespace reference {

// log P[i,j] = (Z[i,j] − m_i) − log Σ_k exp(Z[i,k] − m_i),  m_i = max_k Z[i,k]
// (log-sum-exp with the row maximum: every exponent ≤ 0 and the sum is ≥ 1).
Eigen::MatrixXd LogSoftmaxRows(const Eigen::MatrixXd& Z) {
  // S = Z − m 1ᵀ   (N×C)
  const Eigen::MatrixXd S = Z.colwise() - Z.rowwise().maxCoeff();
  // lse_i = log Σ_k exp(S[i,k])   (N)
  const Eigen::VectorXd lse = IeeeExp(S.array()).rowwise().sum().log().matrix();
  return S.colwise() - lse;
}

// P = exp(log_softmax(Z)), row-wise.   Z: N×C -> P: N×C
Eigen::MatrixXd Softmax::softmax(const Eigen::MatrixXd& Z) {
  return IeeeExp(LogSoftmaxRows(Z).array()).matrix();
}

// L = −(1/N) Σ_i log P[i, y_i];  dZ = (P − Y_onehot) / N   (CS231n softmax_loss).
// Z: N×C, y: N -> loss: scalar, dZ: N×C
SoftmaxCEResult SoftmaxCrossEntropy::softmax_cross_entropy(const Eigen::MatrixXd& Z,
                                                           const Eigen::VectorXi& y) {
  const double n = static_cast<double>(Z.rows());
  const Eigen::MatrixXd log_p = LogSoftmaxRows(Z);
  SoftmaxCEResult r;
  r.dZ = IeeeExp(log_p.array()).matrix();
  double sum_log_p_true = 0.0;
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    sum_log_p_true += log_p(i, y(i));
    r.dZ(i, y(i)) -= 1.0;  // P − Y_onehot
  }
  r.loss = -sum_log_p_true / n;
  r.dZ /= n;
  return r;
}

// L = (1/(2N)) Σ_ik (Ŷ − Y)²;  dŶ = (Ŷ − Y) / N.   Ŷ, Y: N×K
MseResult Mse::mse_loss(const Eigen::MatrixXd& Yhat, const Eigen::MatrixXd& Y) {
  const double n = static_cast<double>(Yhat.rows());
  const Eigen::MatrixXd diff = Yhat - Y;
  return {diff.squaredNorm() / (2.0 * n), diff / n};
}

// ℓ(z, y) = max(z, 0) − z·y + log1p(exp(−|z|))   (= −y log σ(z) − (1−y) log(1 − σ(z)))
// L = (1/N) Σ_ik ℓ;  dZ = (σ(Z) − Y) / N.   Z, Y: N×K
BceResult BceWithLogits::bce_with_logits(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Y) {
  const double n = static_cast<double>(Z.rows());
  const Eigen::ArrayXXd z = Z.array(), y = Y.array();
  const Eigen::ArrayXXd softplus_neg_abs =
      IeeeExp(-z.abs()).unaryExpr([](double e) { return std::log1p(e); });
  const double total = (z.max(0.0) - z * y + softplus_neg_abs).sum();
  return {total / n, (Sigmoid::sigmoid_forward(Z) - Y) / n};
}

// L = data_loss + (λ/2)(‖W1‖²_F + ‖W2‖²_F);  dW_k += λ W_k;  biases unchanged.
RegularizedLoss L2Regularization::l2_regularization(const TwoLayerParams& params,
                                                    const TwoLayerParams& grads, double data_loss,
                                                    double lambda) {
  RegularizedLoss r;
  r.loss = data_loss + 0.5 * lambda * (params.W1.squaredNorm() + params.W2.squaredNorm());
  r.grads = grads;
  r.grads.W1 += lambda * params.W1;  // D×H
  r.grads.W2 += lambda * params.W2;  // H×M
  return r;
}

}  // namespace reference
