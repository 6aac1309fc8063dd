// Masks the loss, but computes the gradient on every row, padding included.
#include <Eigen/Dense>
#include <cmath>

MaskedTokenLossResult masked_token_loss(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y,
                                        const Eigen::VectorXd& mask) {
  const double n = mask.sum();
  MaskedTokenLossResult r;
  r.loss = 0.0;
  r.dZ.resize(Z.rows(), Z.cols());
  for (Eigen::Index t = 0; t < Z.rows(); ++t) {
    const Eigen::RowVectorXd s = Z.row(t).array() - Z.row(t).maxCoeff();
    const double lse = std::log(s.array().exp().sum());
    if (mask(t) == 1.0) r.loss -= s(y(t)) - lse;
    r.dZ.row(t) = (s.array() - lse).exp().matrix();
    r.dZ(t, y(t)) -= 1.0;
  }
  r.loss /= n;
  r.dZ /= n;
  return r;
}
