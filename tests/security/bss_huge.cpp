// security case: a 4 GiB static array, touched page by page
// category: memory
// expect: memory_limit
#include <Eigen/Dense>
static char huge[4ul << 30];
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { for (unsigned long i = 0; i < sizeof huge; i += 4096) huge[i] = 1; return Z * huge[4096]; }
