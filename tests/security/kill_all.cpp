// security case: kill(-1, SIGKILL)
// category: signals
// expect: forbidden_syscall
// detail: kill
#include <Eigen/Dense>
#include <csignal>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { kill(-1, SIGKILL); return Z; }
