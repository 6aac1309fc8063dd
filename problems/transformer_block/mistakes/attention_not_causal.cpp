// Calls the attention without the causal mask: every token sees the whole sequence.
#include <Eigen/Dense>
#include <cmath>

// --- pasted from my layernorm solution -------------------------------------------------------
Eigen::MatrixXd layernorm_forward(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                  const Eigen::VectorXd& beta, double eps) {
  Eigen::MatrixXd Y(X.rows(), X.cols());
  for (Eigen::Index i = 0; i < X.rows(); ++i) {
    const double mu = X.row(i).mean();
    const Eigen::RowVectorXd centered = X.row(i).array() - mu;
    const double var = centered.squaredNorm() / static_cast<double>(X.cols());
    const Eigen::RowVectorXd xhat = centered / std::sqrt(var + eps);
    Y.row(i) = xhat.cwiseProduct(gamma.transpose()) + beta.transpose();
  }
  return Y;
}

// --- pasted from my gelu solution -------------------------------------------------------------
namespace {
const double kC = std::sqrt(2.0 / M_PI);
const double kK = 0.044715;
}  // namespace

Eigen::MatrixXd gelu_forward(const Eigen::MatrixXd& X) {
  return X.unaryExpr([](double x) { return 0.5 * x * (1.0 + std::tanh(kC * (x + kK * x * x * x))); });
}

// --- pasted from my multihead_attention solution ----------------------------------------------
struct MhaWeights {
  Eigen::MatrixXd Wq, Wk, Wv, Wo;
};

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

Eigen::MatrixXd multihead_attention_forward(const Eigen::MatrixXd& X, const MhaWeights& w,
                                            int heads, bool causal) {
  const Eigen::MatrixXd Q = X * w.Wq, K = X * w.Wk, V = X * w.Wv;
  const Eigen::Index dk = Q.cols() / heads;
  Eigen::MatrixXd C(Q.rows(), Q.cols());
  for (int h = 0; h < heads; ++h) {
    const Eigen::MatrixXd Qh = Q.middleCols(h * dk, dk), Kh = K.middleCols(h * dk, dk);
    C.middleCols(h * dk, dk) = attention_weights(Qh, Kh, causal) * V.middleCols(h * dk, dk);
  }
  return C * w.Wo;
}

// --- the block --------------------------------------------------------------------------------
Eigen::MatrixXd transformer_block_forward(const Eigen::MatrixXd& X,
                                          const TransformerBlockParams& p, int heads) {
  const double eps = 1e-5;
  const MhaWeights w{p.Wq, p.Wk, p.Wv, p.Wo};
  const Eigen::MatrixXd Y =
      X + multihead_attention_forward(layernorm_forward(X, p.ln1_gamma, p.ln1_beta, eps), w,
                                      heads, /*causal=*/false);
  const Eigen::MatrixXd U2 = layernorm_forward(Y, p.ln2_gamma, p.ln2_beta, eps);
  const Eigen::MatrixXd H = (U2 * p.W1).rowwise() + p.b1.transpose();
  return Y + ((gelu_forward(H) * p.W2).rowwise() + p.b2.transpose());
}
