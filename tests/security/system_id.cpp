// security case: system("id")
// category: exec
// expect: forbidden_syscall
#include <Eigen/Dense>
#include <cstdlib>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z * (std::system("id") + 1); }
