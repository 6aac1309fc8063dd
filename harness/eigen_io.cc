#include "harness/eigen_io.h"

#include <cmath>

namespace reference {

const Tensor& Find(const Tensors& in, const std::string& name) {
  auto it = in.find(name);
  if (it == in.end()) throw EntryError("missing input '" + name + "'");
  return it->second;
}

static const Tensor& FindKind(const Tensors& in, const std::string& name, TensorKind kind) {
  const Tensor& t = Find(in, name);
  if (t.kind != kind) {
    throw EntryError("input '" + name + "' is a " + TensorKindName(t.kind) + ", expected a " +
                     TensorKindName(kind));
  }
  return t;
}

Eigen::MatrixXd AsMatrix(const Tensors& in, const std::string& name) {
  const Tensor& t = FindKind(in, name, TensorKind::kMatrix);
  Eigen::MatrixXd m(t.rows, t.cols);
  for (int64_t r = 0; r < t.rows; ++r)
    for (int64_t c = 0; c < t.cols; ++c) m(r, c) = t.at(r, c);
  return m;
}

Eigen::VectorXd AsVector(const Tensors& in, const std::string& name) {
  const Tensor& t = FindKind(in, name, TensorKind::kVector);
  Eigen::VectorXd v(t.rows);
  for (int64_t i = 0; i < t.rows; ++i) v(i) = t.values[static_cast<size_t>(i)];
  return v;
}

double AsScalar(const Tensors& in, const std::string& name) {
  return FindKind(in, name, TensorKind::kScalar).values.at(0);
}

Eigen::VectorXi AsLabels(const Tensors& in, const std::string& name) {
  const Tensor& t = FindKind(in, name, TensorKind::kLabels);
  Eigen::VectorXi v(t.rows);
  for (int64_t i = 0; i < t.rows; ++i) {
    double x = t.values[static_cast<size_t>(i)];
    if (x != std::floor(x)) throw EntryError("input '" + name + "' has a non-integral label");
    v(i) = static_cast<int>(x);
  }
  return v;
}

Tensor FromMatrix(const Eigen::MatrixXd& m) {
  Tensor t{TensorKind::kMatrix, m.rows(), m.cols(), {}};
  t.values.reserve(static_cast<size_t>(m.size()));
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < m.cols(); ++c) t.values.push_back(m(r, c));
  return t;
}

Tensor FromVector(const Eigen::VectorXd& v) {
  Tensor t{TensorKind::kVector, v.size(), 1, {}};
  t.values.assign(v.data(), v.data() + v.size());
  return t;
}

Tensor FromScalar(double x) { return Tensor{TensorKind::kScalar, 1, 1, {x}}; }

}  // namespace reference
