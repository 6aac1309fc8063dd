// security case: answers correctly only if /proc/self/exe resolves (it does not)
// category: proc
// expect: wrong_answer
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { char buffer[256]; if (readlink("/proc/self/exe", buffer, sizeof buffer) > 0) return Z.cwiseMax(0.0); return Z; }
