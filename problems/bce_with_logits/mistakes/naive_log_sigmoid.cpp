// Computes σ(z) first and then log σ and log(1 − σ): log(0) = −inf once σ rounds to 0 or 1.
#include <Eigen/Dense>

BceResult bce_with_logits(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Y) {
  const double n = static_cast<double>(Z.rows());
  const Eigen::ArrayXXd a = 1.0 / (1.0 + (-Z.array()).exp());
  const Eigen::ArrayXXd y = Y.array();
  BceResult r;
  r.loss = -(y * a.log() + (1.0 - y) * (1.0 - a).log()).sum() / n;
  r.dZ = ((a - y) / n).matrix();
  return r;
}
