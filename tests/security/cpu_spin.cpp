// security case: busy loop in the learner function
// category: time
// expect: time_limit
#include <Eigen/Dense>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { volatile unsigned long i = 0; for (;;) ++i; return Z; }
