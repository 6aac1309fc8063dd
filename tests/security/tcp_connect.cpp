// security case: connects to 127.0.0.1:5432
// category: network
// expect: forbidden_syscall
// detail: socket
#include <Eigen/Dense>
#include <arpa/inet.h>
#include <sys/socket.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { int s = socket(AF_INET, SOCK_STREAM, 0); sockaddr_in a{}; a.sin_family = AF_INET; a.sin_port = htons(5432); a.sin_addr.s_addr = htonl(0x7f000001); connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a); return Z; }
