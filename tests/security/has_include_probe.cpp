// security case: __has_include of the canary as an oracle
// category: compiler
// expect: rejected
// detail: __has_include
#include <Eigen/Dense>
#if __has_include("@CANARY@")
#define SEEN 1
#endif
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
