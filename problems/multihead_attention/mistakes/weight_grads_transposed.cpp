// Computes every weight gradient transposed (dW = dQᵀ X): square weights hide it from the shapes.
#include <Eigen/Dense>
#include <cmath>

// Single-head attention from the attention problem, pasted: the weights A = softmax(Q Kᵀ / √Dk)
// row-wise, with A[i, j] = 0 for j > i when causal.
static Eigen::MatrixXd attention_weights(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& K,
                                         bool causal) {
  const Eigen::Index T = Q.rows();
  const Eigen::MatrixXd S = Q * K.transpose() / std::sqrt(static_cast<double>(Q.cols()));
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(T, T);
  for (Eigen::Index i = 0; i < T; ++i) {
    const Eigen::Index n = causal ? i + 1 : T;  // keys 0..n-1 are visible to query i
    const double m = S.row(i).head(n).maxCoeff();
    double sum = 0.0;
    for (Eigen::Index j = 0; j < n; ++j) {
      A(i, j) = std::exp(S(i, j) - m);
      sum += A(i, j);
    }
    A.row(i) /= sum;
  }
  return A;
}

struct HeadGrads {
  Eigen::MatrixXd dQ, dK, dV;
};

static HeadGrads attention_backward(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& K,
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
  return {dS * K * scale, dS.transpose() * Q * scale, A.transpose() * dO};
}

// The concatenated heads C (T×D): head h attends with columns [h·Dk, (h+1)·Dk) of Q, K, V.
static Eigen::MatrixXd heads_output(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& K,
                                    const Eigen::MatrixXd& V, int heads, bool causal) {
  const Eigen::Index dk = Q.cols() / heads;
  Eigen::MatrixXd C(Q.rows(), Q.cols());
  for (int h = 0; h < heads; ++h) {
    const Eigen::MatrixXd Qh = Q.middleCols(h * dk, dk), Kh = K.middleCols(h * dk, dk);
    C.middleCols(h * dk, dk) = attention_weights(Qh, Kh, causal) * V.middleCols(h * dk, dk);
  }
  return C;
}

Eigen::MatrixXd multihead_attention_forward(const Eigen::MatrixXd& X, const MhaWeights& w,
                                            int heads, bool causal) {
  return heads_output(X * w.Wq, X * w.Wk, X * w.Wv, heads, causal) * w.Wo;
}

MhaGrads multihead_attention_backward(const Eigen::MatrixXd& X, const MhaWeights& w,
                                      const Eigen::MatrixXd& dY, int heads, bool causal) {
  const Eigen::MatrixXd Q = X * w.Wq, K = X * w.Wk, V = X * w.Wv;
  const Eigen::MatrixXd C = heads_output(Q, K, V, heads, causal);
  const Eigen::MatrixXd dC = dY * w.Wo.transpose();
  const Eigen::Index dk = X.cols() / heads;
  Eigen::MatrixXd dQ(Q.rows(), Q.cols()), dK(K.rows(), K.cols()), dV(V.rows(), V.cols());
  for (int h = 0; h < heads; ++h) {
    const HeadGrads g = attention_backward(Q.middleCols(h * dk, dk), K.middleCols(h * dk, dk),
                                           V.middleCols(h * dk, dk), dC.middleCols(h * dk, dk),
                                           causal);
    dQ.middleCols(h * dk, dk) = g.dQ;
    dK.middleCols(h * dk, dk) = g.dK;
    dV.middleCols(h * dk, dk) = g.dV;
  }
  MhaGrads grads;
  grads.dWo = dY.transpose() * C;
  grads.dWq = dQ.transpose() * X;
  grads.dWk = dK.transpose() * X;
  grads.dWv = dV.transpose() * X;
  grads.dX = dQ * w.Wq.transpose() + dK * w.Wk.transpose() + dV * w.Wv.transpose();
  return grads;
}
