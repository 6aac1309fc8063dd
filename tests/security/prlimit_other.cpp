// security case: prlimit on pid 1
// category: privilege
// expect: forbidden_syscall
// detail: prlimit64
#include <Eigen/Dense>
#include <sys/resource.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { rlimit r{}; prlimit(1, RLIMIT_NOFILE, nullptr, &r); return Z; }
