// security case: ptrace(PTRACE_TRACEME)
// category: privilege
// expect: forbidden_syscall
// detail: ptrace
#include <Eigen/Dense>
#include <sys/ptrace.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { ptrace(PTRACE_TRACEME, 0, nullptr, nullptr); return Z; }
