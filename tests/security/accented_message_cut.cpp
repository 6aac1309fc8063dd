// security case: an honest accented exception message of 401 bytes: the 300-byte cut falls inside an "é"
// category: text
// expect: runtime_error
// formats: text junit gradescope
#include <Eigen/Dense>
#include <stdexcept>
#include <string>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {
  std::string message = "x";
  for (int i = 0; i < 200; ++i) message += "\xC3\xA9";
  throw std::runtime_error(message);
  return Z;
}
