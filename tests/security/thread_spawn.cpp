// security case: starts a std::thread
// category: processes
// expect: forbidden_syscall
// detail: clone
#include <Eigen/Dense>
#include <thread>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::thread t([] {}); t.join(); return Z; }
