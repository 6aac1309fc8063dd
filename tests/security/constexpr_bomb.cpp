// security case: a constexpr loop of 2^40 steps
// category: compiler
// expect: compile_error
#include <Eigen/Dense>
constexpr long Sum() { long s = 0; for (long i = 0; i < (1L << 40); ++i) s += i; return s; }
static_assert(Sum() > 0);
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
