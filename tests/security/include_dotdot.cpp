// security case: #include "../../secret.key"
// category: compiler
// expect: rejected
// detail: containing ".."
#include <Eigen/Dense>
#include "../../secret.key"
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
