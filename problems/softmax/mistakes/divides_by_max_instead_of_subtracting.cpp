// "Stabilises" by dividing the logits by their row maximum instead of subtracting it.
#include <Eigen/Dense>

Eigen::MatrixXd softmax(const Eigen::MatrixXd& Z) {
  Eigen::MatrixXd P(Z.rows(), Z.cols());
  for (Eigen::Index i = 0; i < Z.rows(); ++i) {
    const Eigen::ArrayXd e = (Z.row(i).array() / Z.row(i).maxCoeff()).exp().transpose();
    P.row(i) = (e / e.sum()).transpose().matrix();
  }
  return P;
}
