// security case: a correct answer, but junk written to fd 3 first: the frame no longer validates
// category: harness
// expect: protocol_error
#include <Eigen/Dense>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { if (write(3, "junk", 4) < 0) {} return Z.cwiseMax(0.0); }
Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) { if (write(3, "junk", 4) < 0) {} return (Z.array() > 0).select(dA.array(), 0.0).matrix(); }
