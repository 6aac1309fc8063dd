// security case: allocates 1 GiB blocks forever without touching them
// category: memory
// expect: memory_limit
#include <Eigen/Dense>
#include <vector>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::vector<char*> keep; for (;;) keep.push_back(new char[1u << 30]); return Z; }
