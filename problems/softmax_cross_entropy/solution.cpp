#include <Eigen/Dense>
#include <cmath>

SoftmaxCEResult softmax_cross_entropy(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y) {
  const Eigen::Index n = Z.rows();
  SoftmaxCEResult r;
  r.loss = 0.0;
  r.dZ.resize(Z.rows(), Z.cols());
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::RowVectorXd shifted = Z.row(i).array() - Z.row(i).maxCoeff();
    const double log_sum = std::log(shifted.array().exp().sum());
    r.loss -= shifted(y(i)) - log_sum;
    r.dZ.row(i) = (shifted.array() - log_sum).exp().matrix();
    r.dZ(i, y(i)) -= 1.0;
  }
  r.loss /= static_cast<double>(n);
  r.dZ /= static_cast<double>(n);
  return r;
}
