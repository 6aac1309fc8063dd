// Returns softmax(Z)/N as the gradient, forgetting to subtract the one-hot labels.
#include <Eigen/Dense>
#include <cmath>

SoftmaxCEResult softmax_cross_entropy(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y) {
  const double n = static_cast<double>(Z.rows());
  SoftmaxCEResult r;
  r.loss = 0.0;
  r.dZ.resize(Z.rows(), Z.cols());
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    const Eigen::RowVectorXd s = Z.row(i).array() - Z.row(i).maxCoeff();
    const double lse = std::log(s.array().exp().sum());
    r.loss += (lse - s(y(i))) / n;
    r.dZ.row(i) = (s.array() - lse).exp().matrix() / n;
  }
  return r;
}
