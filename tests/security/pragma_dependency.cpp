// security case: #pragma GCC dependency on the canary (not in the compiler's view)
// category: compiler
// expect: compile_error
#include <Eigen/Dense>
#pragma GCC dependency "@CANARY@"
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
