// security case: execl("/bin/sh", ...)
// category: exec
// expect: forbidden_syscall
// detail: execve
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { execl("/bin/sh", "sh", "-c", "id", static_cast<char*>(nullptr)); return Z; }
