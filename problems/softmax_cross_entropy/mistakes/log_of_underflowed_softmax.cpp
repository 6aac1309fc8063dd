// Computes a stable softmax, then takes log(P[i, y_i]): the probability underflows to 0 and
// log(0) = −inf when the true class is far below the maximum.
#include <Eigen/Dense>
#include <cmath>

SoftmaxCEResult softmax_cross_entropy(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y) {
  const double n = static_cast<double>(Z.rows());
  Eigen::MatrixXd P(Z.rows(), Z.cols());
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    const double m = Z.row(i).maxCoeff();
    double sum = 0.0;
    for (Eigen::Index j = 0; j < Z.cols(); ++j) sum += P(i, j) = std::exp(Z(i, j) - m);
    P.row(i) /= sum;
  }
  SoftmaxCEResult r;
  r.loss = 0.0;
  for (Eigen::Index i = 0; i < Z.rows(); ++i) r.loss -= std::log(P(i, y(i)));
  r.loss /= n;
  r.dZ = P;
  for (Eigen::Index i = 0; i < Z.rows(); ++i) r.dZ(i, y(i)) -= 1.0;
  r.dZ /= n;
  return r;
}
