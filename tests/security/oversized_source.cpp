// security case: a 50 MB source
// category: compiler
// expect: rejected
// detail: limit
// pad_to_bytes: 52428800
#include <Eigen/Dense>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
