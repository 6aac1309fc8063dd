// security case: a visible test's exception message clears the screen, returns the cursor (CR, CSI H, 8-bit CSI as U+009B) and prints a forged "ALL TESTS PASSED" result behind a right-to-left override
// category: terminal
// expect: runtime_error
// formats: text junit gradescope
#include <Eigen/Dense>
#include <stdexcept>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {
  throw std::runtime_error("\x1b[2J\x1b[H\r\xC2\x9B" "1;1HStatus: graded \xC2\xB7 Score: 6 / 6   ALL TESTS PASSED\x7f\x08\x08\xE2\x80\xAE\x0b\x0c");
  return Z;
}
