// Averages over all N·K entries (as PyTorch's default does) instead of over the N samples.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

BceResult bce_with_logits(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Y) {
  const double count = static_cast<double>(Z.size());
  BceResult r;
  r.loss = 0.0;
  r.dZ.resize(Z.rows(), Z.cols());
  for (Eigen::Index i = 0; i < Z.size(); ++i) {
    const double z = Z(i), y = Y(i);
    r.loss += (std::max(z, 0.0) - z * y + std::log1p(std::exp(-std::abs(z)))) / count;
    const double s = z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z));
    r.dZ(i) = (s - y) / count;
  }
  return r;
}
