// softmax: P[i,j] = exp(Z[i,j] − max_k Z[i,k]) / Σ_k exp(Z[i,k] − max_k Z[i,k]), row by row.
#include <Eigen/Dense>

Eigen::MatrixXd softmax(const Eigen::MatrixXd& Z) {
  // TODO
  return Eigen::MatrixXd::Zero(Z.rows(), Z.cols());
}
