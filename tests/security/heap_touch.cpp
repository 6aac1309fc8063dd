// security case: allocates and touches 1 GiB (limit 256 MB)
// category: memory
// expect: memory_limit
#include <Eigen/Dense>
#include <vector>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::vector<char> big(1u << 30, 1); return Z * big[12345]; }
