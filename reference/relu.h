// Reference implementation of the rectified linear unit.
#pragma once

#include <Eigen/Dense>

#include "problems/relu/api.h"

namespace reference {

struct Relu {
  static Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z);
  static Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA);
};

}  // namespace reference
