// security case: floods the result channel (fd 3)
// category: output
// expect: output_limit
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { static char junk[65536]; for (;;) if (write(3, junk, sizeof junk) < 0) break; return Z; }
