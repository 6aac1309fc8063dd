// security case: kill(getppid(), SIGKILL)
// category: signals
// expect: forbidden_syscall
#include <Eigen/Dense>
#include <csignal>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { kill(getppid(), SIGKILL); return Z; }
