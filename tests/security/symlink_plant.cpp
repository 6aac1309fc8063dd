// security case: plants a symlink for the grader to follow
// category: files
// expect: forbidden_syscall
// detail: symlink
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { symlink("/etc/passwd", "program"); return Z; }
