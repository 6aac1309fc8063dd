// security case: memory hidden in a memfd
// category: files
// expect: forbidden_syscall
// detail: memfd_create
#include <Eigen/Dense>
#include <sys/mman.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { memfd_create("x", 0); return Z; }
