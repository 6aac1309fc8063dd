// Skips the padding positions but divides by the number of positions T, not by the count.
#include <Eigen/Dense>
#include <cmath>

MaskedTokenLossResult masked_token_loss(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y,
                                        const Eigen::VectorXd& mask) {
  const double T = static_cast<double>(Z.rows());
  MaskedTokenLossResult r;
  r.loss = 0.0;
  r.dZ = Eigen::MatrixXd::Zero(Z.rows(), Z.cols());
  for (Eigen::Index t = 0; t < Z.rows(); ++t) {
    if (mask(t) == 0.0) continue;
    const Eigen::RowVectorXd s = Z.row(t).array() - Z.row(t).maxCoeff();
    const double lse = std::log(s.array().exp().sum());
    r.loss -= (s(y(t)) - lse) / T;
    r.dZ.row(t) = (s.array() - lse).exp().matrix() / T;
    r.dZ(t, y(t)) -= 1.0 / T;
  }
  return r;
}
