// Conversions between Tensor and Eigen, used by the problem adapters on both sides of the
// sandbox. Every accessor checks the tensor's kind and throws EntryError naming the input when
// it is missing or of the wrong kind: inside the harness that ends the run with a message; in
// the grader it is a problem-authoring error, caught at the registry boundary.
#pragma once

#include <Eigen/Dense>
#include <stdexcept>
#include <string>

#include "harness/tensor.h"

namespace reference {

class EntryError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

const Tensor& Find(const Tensors& in, const std::string& name);

Eigen::MatrixXd AsMatrix(const Tensors& in, const std::string& name);
Eigen::VectorXd AsVector(const Tensors& in, const std::string& name);
double AsScalar(const Tensors& in, const std::string& name);
Eigen::VectorXi AsLabels(const Tensors& in, const std::string& name);

Tensor FromMatrix(const Eigen::MatrixXd& m);
Tensor FromVector(const Eigen::VectorXd& v);
Tensor FromScalar(double x);

}  // namespace reference
