// security case: makes a FIFO for the grader to block on
// category: files
// expect: forbidden_syscall
// detail: mknodat
#include <Eigen/Dense>
#include <sys/stat.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { mkfifo("output", 0644); return Z; }
