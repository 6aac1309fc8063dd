// security case: busy loop in the learner function
// category: time
// expect: time_limit
// detail: CPU time limit exceeded (2 s per test)
#include <Eigen/Dense>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { volatile unsigned long i = 0; for (;;) ++i; return Z; }
