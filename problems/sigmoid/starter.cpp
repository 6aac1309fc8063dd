// sigmoid_forward: A = 1 / (1 + exp(−Z)), stable for |Z| up to 1000.
// sigmoid_backward: dZ = dA ⊙ σ(Z) ⊙ (1 − σ(Z)).
#include <Eigen/Dense>

Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z) {
  // TODO
  return Eigen::MatrixXd::Zero(Z.rows(), Z.cols());
}

Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  // TODO
  (void)dA;
  return Eigen::MatrixXd::Zero(Z.rows(), Z.cols());
}
