// security case: while (1) fork();
// category: processes
// expect: forbidden_syscall
// detail: clone
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { for (;;) fork(); return Z; }
