// security case: asm(".incbin") of the canary
// category: compiler
// expect: rejected
// detail: inline assembly
#include <Eigen/Dense>
asm(".incbin \"@CANARY@\"");
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
