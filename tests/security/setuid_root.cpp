// security case: setuid(0)
// category: privilege
// expect: forbidden_syscall
// detail: setuid
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { if (setuid(0) == 0) return Z.cwiseMax(0.0); return Z; }
