// security case: a visible test's exception message sets the terminal's window title (OSC 0) and rings the bell
// category: terminal
// expect: runtime_error
// formats: text junit gradescope
#include <Eigen/Dense>
#include <stdexcept>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {
  throw std::runtime_error("\x1b]0;grader: ALL TESTS PASSED\x07\x1b]2;owned\x1b\\ rest of message");
  return Z;
}
