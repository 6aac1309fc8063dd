// security case: fopen("/etc/passwd")
// category: files
// expect: forbidden_syscall
// detail: openat
#include <Eigen/Dense>
#include <cstdio>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::FILE* f = std::fopen("/etc/passwd", "r"); if (f) std::fclose(f); return Z; }
