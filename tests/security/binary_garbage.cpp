// security case: 1 MB of binary bytes with NULs on stdout
// category: output
// expect: output_limit
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { static char bytes[1 << 20]; for (unsigned i = 0; i < sizeof bytes; ++i) bytes[i] = static_cast<char>(i * 7); if (write(1, bytes, sizeof bytes) < 0) return Z; return Z; }
