#include <Eigen/Dense>
#include <cmath>

Mlp2Result mlp2_loss_and_grads(const Eigen::MatrixXd& X, const Eigen::VectorXi& y,
                               const Eigen::MatrixXd& W1, const Eigen::VectorXd& b1,
                               const Eigen::MatrixXd& W2, const Eigen::VectorXd& b2) {
  const Eigen::Index N = X.rows();
  // Forward: affine, ReLU, affine.
  const Eigen::MatrixXd Hpre = (X * W1).rowwise() + b1.transpose();
  const Eigen::MatrixXd A = Hpre.cwiseMax(0.0);
  const Eigen::MatrixXd Z = (A * W2).rowwise() + b2.transpose();

  // Softmax cross-entropy, averaged over the batch; dZ = (P − Y) / N.
  Eigen::MatrixXd dZ(Z.rows(), Z.cols());
  double loss = 0.0;
  for (Eigen::Index i = 0; i < N; ++i) {
    const double m = Z.row(i).maxCoeff();
    double sum = 0.0;
    for (Eigen::Index j = 0; j < Z.cols(); ++j) sum += std::exp(Z(i, j) - m);
    const double log_sum = std::log(sum);
    loss -= Z(i, y(i)) - m - log_sum;
    for (Eigen::Index j = 0; j < Z.cols(); ++j) dZ(i, j) = std::exp(Z(i, j) - m - log_sum);
    dZ(i, y(i)) -= 1.0;
  }
  loss /= static_cast<double>(N);
  dZ /= static_cast<double>(N);

  // Backward through the second affine layer, the ReLU, the first affine layer.
  Mlp2Result r;
  r.loss = loss;
  r.dW2 = A.transpose() * dZ;
  r.db2 = dZ.colwise().sum().transpose();
  Eigen::MatrixXd dH = dZ * W2.transpose();
  for (Eigen::Index i = 0; i < dH.rows(); ++i)
    for (Eigen::Index j = 0; j < dH.cols(); ++j)
      if (Hpre(i, j) <= 0.0) dH(i, j) = 0.0;
  r.dW1 = X.transpose() * dH;
  r.db1 = dH.colwise().sum().transpose();
  return r;
}
