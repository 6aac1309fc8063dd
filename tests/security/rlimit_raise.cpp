// security case: raises RLIMIT_CPU (refused) and spins
// category: privilege
// expect: time_limit
#include <Eigen/Dense>
#include <sys/resource.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { rlimit r{RLIM_INFINITY, RLIM_INFINITY}; setrlimit(RLIMIT_CPU, &r); volatile unsigned long i = 0; for (;;) ++i; return Z; }
