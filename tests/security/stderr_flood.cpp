// security case: writes to stderr forever (truncated, then the time limit)
// category: output
// expect: time_limit
#include <Eigen/Dense>
#include <iostream>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { for (;;) std::cerr << "noise noise noise\n"; return Z; }
