// security case: raise(SIGSTOP): never a hang
// category: signals
// expect: time_limit
#include <Eigen/Dense>
#include <csignal>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::raise(SIGSTOP); return Z; }
