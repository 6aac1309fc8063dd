// security case: defines main() beside the harness's
// category: harness
// expect: compile_error
#include <Eigen/Dense>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z.cwiseMax(0.0); }
int main() { return 0; }
