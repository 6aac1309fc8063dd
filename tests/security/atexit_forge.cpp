// security case: atexit handler printing success, then exit(0)
// category: harness
// expect: protocol_error
#include <Eigen/Dense>
#include <cstdio>
#include <cstdlib>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::atexit([] { std::puts("All tests passed"); }); std::exit(0); return Z; }
