// Reference implementation of the fully connected (affine) layer. Rows are samples (CS231n).
#pragma once

#include <Eigen/Dense>

#include "problems/linear_backward/api.h"
#include "problems/linear_forward/api.h"

namespace reference {

struct Linear {
  static Eigen::MatrixXd linear_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                                        const Eigen::VectorXd& b);
  static LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W,
                                     const Eigen::MatrixXd& dY);
};

}  // namespace reference
