// Mistake: only the last character of the context is used (a smoothed bigram model): the
// other W - 1 characters of the window are ignored, and the model stays in a middle tier.
#include <Eigen/Dense>
#include <vector>

Eigen::MatrixXd predict_next_char(const Eigen::VectorXi& train_text,
                                  const Eigen::MatrixXd& contexts, int vocab) {
  const double k = 0.5;
  const int V = vocab, W = static_cast<int>(contexts.cols());
  const int T = static_cast<int>(train_text.size());
  // counts[n][id(h c)] for n-grams h of length n followed by c; totals[n][id(h)].
  std::vector<std::vector<double>> counts(W + 1), totals(W + 1);
  long size = 1;
  for (int n = 0; n <= W; ++n) {
    totals[n].assign(size, 0.0);
    counts[n].assign(size * V, 0.0);
    size *= V;
  }
  for (int n = 0; n <= W; ++n) {
    for (int i = n; i < T; ++i) {
      long h = 0;
      for (int j = i - n; j < i; ++j) h = h * V + train_text(j);
      totals[n][h] += 1.0;
      counts[n][h * V + train_text(i)] += 1.0;
    }
  }
  Eigen::MatrixXd probs(contexts.rows(), V);
  for (int r = 0; r < contexts.rows(); ++r) {
    std::vector<double> p(V, 1.0 / V);
    for (int n = 0; n <= 1; ++n) {
      long h = 0;  // the last n characters of the context
      for (int j = W - n; j < W; ++j) h = h * V + static_cast<long>(contexts(r, j));
      std::vector<double> next(V);
      for (int c = 0; c < V; ++c) {
        next[c] = (counts[n][h * V + c] + k * V * p[c]) / (totals[n][h] + k * V);
      }
      p = next;
    }
    for (int c = 0; c < V; ++c) probs(r, c) = p[c];
  }
  return probs;
}
