// security case: reads /proc/self/maps to scan its memory
// category: proc
// expect: forbidden_syscall
// detail: openat
#include <Eigen/Dense>
#include <cstdio>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::FILE* f = std::fopen("/proc/self/maps", "r"); if (f) std::fclose(f); return Z; }
