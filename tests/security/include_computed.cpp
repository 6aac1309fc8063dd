// security case: #include of a macro naming the canary
// category: compiler
// expect: rejected
// detail: computed #include
#include <Eigen/Dense>
#define SECRET "@CANARY@"
#include SECRET
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
