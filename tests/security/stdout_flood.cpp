// security case: writes to stdout forever
// category: output
// expect: output_limit
#include <Eigen/Dense>
#include <cstdio>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { for (;;) std::fputs("spam spam spam spam\n", stdout); return Z; }
