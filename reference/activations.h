// Reference implementation of the sigmoid, used by bce_with_logits. Every function is finite for
// every finite input.
#pragma once

#include <Eigen/Dense>

namespace reference {

struct Sigmoid {
  static Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z);
  static Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA);
};

}  // namespace reference
