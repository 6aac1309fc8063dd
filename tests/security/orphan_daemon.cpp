// security case: double fork and setsid to outlive the run
// category: processes
// expect: forbidden_syscall
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { if (fork() == 0) { setsid(); if (fork() == 0) sleep(3600); } return Z; }
