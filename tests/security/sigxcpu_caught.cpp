// security case: catches SIGXCPU and keeps spinning
// category: time
// expect: time_limit
#include <Eigen/Dense>
#include <csignal>
static void Ignore(int) {}
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::signal(SIGXCPU, Ignore); volatile unsigned long i = 0; for (;;) ++i; return Z; }
