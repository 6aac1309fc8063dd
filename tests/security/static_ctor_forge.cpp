// security case: a static constructor writes a forged frame to fd 3 and exits 0 before main
// category: harness
// expect: protocol_error
#include <Eigen/Dense>
#include <cstdlib>
#include <unistd.h>
struct Forge { Forge() { const char frame[] = "DLGR\x01\x00\x00\x00forged-frame-with-a-guessed-nonce"; if (write(3, frame, sizeof frame) < 0) {} std::_Exit(0); } } forge;
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
