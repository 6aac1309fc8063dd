// security case: burns system time with an allowed syscall
// category: time
// expect: time_limit
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { for (;;) lseek(0, 0, SEEK_CUR); return Z; }
