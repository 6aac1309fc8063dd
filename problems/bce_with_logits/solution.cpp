#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

BceResult bce_with_logits(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Y) {
  const double n = static_cast<double>(Z.rows());
  BceResult r;
  r.loss = 0.0;
  r.dZ.resize(Z.rows(), Z.cols());
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    for (Eigen::Index k = 0; k < Z.cols(); ++k) {
      const double z = Z(i, k), y = Y(i, k);
      r.loss += std::max(z, 0.0) - z * y + std::log1p(std::exp(-std::abs(z)));
      const double s = z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
      r.dZ(i, k) = (s - y) / n;
    }
  }
  r.loss /= n;
  return r;
}
