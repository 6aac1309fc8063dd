// Tensor: the plain data that crosses between the grader, the harness and the references.
//
// A Tensor is a matrix, a vector, a scalar or a vector of integer labels, stored row-major in
// doubles (labels are integral doubles). Tensors travel by name in a `Tensors` map. This header
// has no dependencies beyond the standard library, because the harness (compiled into the
// learner's sandboxed program) includes it too.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace reference {

enum class TensorKind : uint8_t {
  kMatrix = 1,  // rows x cols
  kVector = 2,  // rows x 1 (an Eigen column vector)
  kScalar = 3,  // 1 x 1
  kLabels = 4,  // rows x 1, integer class labels
};

inline const char* TensorKindName(TensorKind kind) {
  switch (kind) {
    case TensorKind::kMatrix:
      return "matrix";
    case TensorKind::kVector:
      return "vector";
    case TensorKind::kScalar:
      return "scalar";
    case TensorKind::kLabels:
      return "labels";
  }
  return "unknown";
}

struct Tensor {
  TensorKind kind = TensorKind::kMatrix;
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<double> values;  // row-major, rows * cols entries

  double at(int64_t row, int64_t col) const {
    return values[static_cast<size_t>(row * cols + col)];
  }
  bool operator==(const Tensor&) const = default;
};

using Tensors = std::map<std::string, Tensor>;

}  // namespace reference
