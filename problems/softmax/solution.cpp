#include <Eigen/Dense>
#include <cmath>

Eigen::MatrixXd softmax(const Eigen::MatrixXd& Z) {
  Eigen::MatrixXd P(Z.rows(), Z.cols());
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    const double m = Z.row(i).maxCoeff();
    double sum = 0.0;
    for (Eigen::Index j = 0; j < Z.cols(); ++j) {
      P(i, j) = std::exp(Z(i, j) - m);
      sum += P(i, j);
    }
    P.row(i) /= sum;
  }
  return P;
}
