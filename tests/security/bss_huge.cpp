// security case: a 1 GiB static array (limit 256 MB), touched page by page
// category: memory
// expect: memory_limit
// detail: memory limit exceeded (
#include <Eigen/Dense>
static char huge[1ul << 30];
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { for (unsigned long i = 0; i < sizeof huge; i += 4096) huge[i] = 1; return Z * huge[4096]; }
