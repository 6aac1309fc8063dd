// security case: pins all its memory
// category: memory
// expect: forbidden_syscall
// detail: mlockall
#include <Eigen/Dense>
#include <sys/mman.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { mlockall(MCL_CURRENT | MCL_FUTURE); return Z; }
