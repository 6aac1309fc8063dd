// Sums the loss over the batch instead of averaging, and so the gradient lacks the 1/N too.
#include <Eigen/Dense>
#include <cmath>

SoftmaxCEResult softmax_cross_entropy(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y) {
  SoftmaxCEResult r;
  r.loss = 0.0;
  r.dZ.resize(Z.rows(), Z.cols());
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    const Eigen::RowVectorXd s = Z.row(i).array() - Z.row(i).maxCoeff();
    const double lse = std::log(s.array().exp().sum());
    r.loss += lse - s(y(i));
    r.dZ.row(i) = (s.array() - lse).exp().matrix();
    r.dZ(i, y(i)) -= 1.0;
  }
  return r;
}
