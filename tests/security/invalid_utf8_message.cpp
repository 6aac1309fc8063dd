// security case: a visible test's exception message is not UTF-8 (Latin-1, overlong, surrogate, > U+10FFFF, truncated): the grader must still write its JSON
// category: text
// expect: runtime_error
// detail: caf�
// formats: text junit gradescope
#include <Eigen/Dense>
#include <stdexcept>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {
  throw std::runtime_error("caf\xE9 \xC0\xAF \xED\xA0\x80 \xF4\x90\x80\x80 \xFF\xFE \xE2\x82");
  return Z;
}
