// Test data: a portable pseudo-random generator of our own (xoshiro256** seeded by SplitMix64,
// Box–Muller normals) so that a test's inputs are bit-identical on every run and platform that
// shares an IEEE libm, independent of the standard library's distributions.
#pragma once

#include <cstdint>
#include <string_view>

#include "base/status.h"
#include "grader/problem_spec.h"
#include "harness/tensor.h"

namespace grader {

class Rng {
 public:
  explicit Rng(uint64_t seed);
  uint64_t Next();
  double Uniform();                         // [0, 1), 53 random bits
  double Uniform(double low, double high);  // [low, high)
  double Normal(double mean, double stddev);
  int64_t Below(int64_t n);  // [0, n), unbiased; REQUIRES: n > 0

 private:
  uint64_t s_[4];
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// The seed of one input of a test: independent of the other inputs' names and order.
uint64_t InputSeed(uint64_t test_seed, std::string_view input_name);

// Generates every input of `test` from `test_seed`.
base::StatusOr<reference::Tensors> GenerateInputs(const TestSpec& test, uint64_t test_seed);

}  // namespace grader
