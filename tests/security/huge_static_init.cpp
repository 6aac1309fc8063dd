// security case: a 1 GiB initialised array in .data
// category: compiler
// expect: compile_error
#include <Eigen/Dense>
char huge[1 << 30] = {1};
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z * huge[0]; }
