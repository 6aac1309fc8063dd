// security case: writes a frame with an all-zero nonce from the function, then _Exit(0)
// category: harness
// expect: protocol_error
#include <Eigen/Dense>
#include <cstdlib>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { static char frame[256] = {'D', 'L', 'G', 'R', 1}; if (write(3, frame, sizeof frame) < 0) {} std::_Exit(0); return Z; }
