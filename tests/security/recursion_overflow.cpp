// security case: unbounded recursion overflows the stack
// category: memory
// expect: runtime_error
// detail: SIGSEGV
#include <Eigen/Dense>
static int Deep(volatile int n) { volatile char pad[1024]; pad[0] = static_cast<char>(n); return Deep(n + 1) + pad[0]; }
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z * Deep(0); }
