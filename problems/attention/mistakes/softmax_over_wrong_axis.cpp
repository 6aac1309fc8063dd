// Normalises the weights over the queries (down each column) instead of over the keys.
#include <Eigen/Dense>
#include <cmath>

// The attention weights A = softmax(Q Kᵀ / √D) row-wise; with causal, A[i, j] = 0 for j > i.
static Eigen::MatrixXd attention_weights(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& K,
                                         bool causal) {
  const Eigen::Index T = Q.rows();
  const Eigen::MatrixXd S = Q * K.transpose() / std::sqrt(static_cast<double>(Q.cols()));
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(T, T);
  for (Eigen::Index j = 0; j < T; ++j) {
    const Eigen::Index first = causal ? j : 0;  // queries first..T-1 may see key j
    const double m = S.col(j).tail(T - first).maxCoeff();
    double sum = 0.0;
    for (Eigen::Index i = first; i < T; ++i) {
      A(i, j) = std::exp(S(i, j) - m);
      sum += A(i, j);
    }
    A.col(j) /= sum;
  }
  return A;
}

Eigen::MatrixXd attention_forward(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& K,
                                  const Eigen::MatrixXd& V, bool causal) {
  return attention_weights(Q, K, causal) * V;
}

AttentionGrads attention_backward(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& K,
                                  const Eigen::MatrixXd& V, const Eigen::MatrixXd& dO,
                                  bool causal) {
  const double scale = 1.0 / std::sqrt(static_cast<double>(Q.cols()));
  const Eigen::MatrixXd A = attention_weights(Q, K, causal);
  const Eigen::MatrixXd dA = dO * V.transpose();
  Eigen::MatrixXd dS(A.rows(), A.cols());
  for (Eigen::Index i = 0; i < A.rows(); ++i) {
    const double dot = A.row(i).dot(dA.row(i));
    dS.row(i) = A.row(i).array() * (dA.row(i).array() - dot);
  }
  AttentionGrads g;
  g.dQ = dS * K * scale;
  g.dK = dS.transpose() * Q * scale;
  g.dV = A.transpose() * dO;
  return g;
}
