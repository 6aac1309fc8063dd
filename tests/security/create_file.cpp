// security case: creates a file on the host
// category: files
// expect: forbidden_syscall
// detail: openat
#include <Eigen/Dense>
#include <fcntl.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { open("@PWNED@", O_CREAT | O_WRONLY, 0644); return Z; }
