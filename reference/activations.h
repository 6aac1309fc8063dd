// Reference implementations of the element-wise activations sigmoid, tanh and GELU (tanh
// approximation). Every function is finite for every finite input.
#pragma once

#include <Eigen/Dense>

#include "problems/gelu/api.h"
#include "problems/tanh/api.h"

namespace reference {

struct Sigmoid {
  static Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z);
  static Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA);
};

struct Tanh {
  static Eigen::MatrixXd tanh_forward(const Eigen::MatrixXd& Z);
  static Eigen::MatrixXd tanh_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA);
};

struct Gelu {
  static Eigen::MatrixXd gelu_forward(const Eigen::MatrixXd& X);
  static Eigen::MatrixXd gelu_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY);
};

}  // namespace reference
