// Exponentiates the raw logits: exp(1000) = inf and inf/inf = NaN for large logits.
#include <Eigen/Dense>
#include <cmath>

MaskedTokenLossResult masked_token_loss(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y,
                                        const Eigen::VectorXd& mask) {
  MaskedTokenLossResult r;
  r.loss = 0.0;
  r.dZ = Eigen::MatrixXd::Zero(Z.rows(), Z.cols());
  double n = 0;
  for (Eigen::Index t = 0; t < Z.rows(); ++t) {
    if (mask(t) == 0.0) continue;
    n += 1;
    double sum = 0.0;
    for (Eigen::Index v = 0; v < Z.cols(); ++v) sum += std::exp(Z(t, v));
    for (Eigen::Index v = 0; v < Z.cols(); ++v) r.dZ(t, v) = std::exp(Z(t, v)) / sum;
    r.loss -= std::log(r.dZ(t, y(t)));
    r.dZ(t, y(t)) -= 1.0;
  }
  r.loss /= n;
  r.dZ /= n;
  return r;
}
