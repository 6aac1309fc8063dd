// security case: allocates 1 GiB blocks forever without touching them (each costs a page of malloc header and page tables: the cgroup or the clock stops it, whichever first)
// category: memory
// expect: memory_limit|time_limit
#include <Eigen/Dense>
#include <vector>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::vector<char*> keep; for (;;) keep.push_back(new char[1u << 30]); return Z; }
