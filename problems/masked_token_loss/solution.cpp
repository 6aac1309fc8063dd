#include <Eigen/Dense>
#include <cmath>

MaskedTokenLossResult masked_token_loss(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y,
                                        const Eigen::VectorXd& mask) {
  MaskedTokenLossResult r;
  r.loss = 0.0;
  r.dZ = Eigen::MatrixXd::Zero(Z.rows(), Z.cols());
  int n = 0;
  for (Eigen::Index t = 0; t < Z.rows(); ++t) {
    if (mask(t) == 0.0) continue;
    ++n;
    const Eigen::RowVectorXd s = Z.row(t).array() - Z.row(t).maxCoeff();
    const double lse = std::log(s.array().exp().sum());
    r.loss -= s(y(t)) - lse;
    r.dZ.row(t) = (s.array() - lse).exp().matrix();
    r.dZ(t, y(t)) -= 1.0;
  }
  if (n == 0) return r;
  r.loss /= n;
  r.dZ /= n;
  return r;
}
