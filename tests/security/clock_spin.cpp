// security case: spins on clock_gettime for 10 s
// category: time
// expect: time_limit
#include <Eigen/Dense>
#include <chrono>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10); while (std::chrono::steady_clock::now() < end) {} return Z; }
