// security case: a unix socket to the host's daemons
// category: network
// expect: forbidden_syscall
// detail: socket
#include <Eigen/Dense>
#include <sys/socket.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { socket(AF_UNIX, SOCK_STREAM, 0); return Z; }
