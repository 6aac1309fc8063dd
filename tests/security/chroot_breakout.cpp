// security case: chroot(".") escape attempt
// category: privilege
// expect: forbidden_syscall
// detail: chroot
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { chroot("."); return Z; }
