// security case: unshare(CLONE_NEWUSER | CLONE_NEWNS)
// category: privilege
// expect: forbidden_syscall
// detail: unshare
#include <Eigen/Dense>
#include <sched.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { unshare(CLONE_NEWUSER | CLONE_NEWNS); return Z; }
