// security case: raise(SIGSEGV): its own signal is allowed
// category: signals
// expect: runtime_error
// detail: SIGSEGV
#include <Eigen/Dense>
#include <csignal>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::raise(SIGSEGV); return Z; }
