// security case: #include the data directory's secret key
// category: compiler
// expect: rejected
// detail: absolute path
#include <Eigen/Dense>
#include "@DATA_DIR@/secret.key"
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
