// security case: #include </dev/urandom>
// category: compiler
// expect: rejected
// detail: absolute path
#include <Eigen/Dense>
#include </dev/urandom>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
