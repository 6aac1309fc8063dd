// security case: sleeps far past the wall limit
// category: time
// expect: time_limit
// detail: wall-clock
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { sleep(1000); return Z; }
