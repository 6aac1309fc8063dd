// security case: _Exit(0) inside the function
// category: harness
// expect: protocol_error
#include <Eigen/Dense>
#include <cstdlib>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::_Exit(0); return Z; }
