// security case: reads /proc/1/environ
// category: proc
// expect: forbidden_syscall
// detail: openat
#include <Eigen/Dense>
#include <fcntl.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { open("/proc/1/environ", O_RDONLY); return Z; }
