// Helpers for writing mutants: code that reproduces a learner's mistake inside the grader.
//
// Some mistakes do not produce wrong numbers but an Eigen dimension check failing in the
// learner's program (its harness turns that into a runtime error). The grader is built without
// Eigen's assertions, so a mutant that models such a mistake checks the dimensions itself and
// throws DimensionMismatch; the diagnosis then matches it against the learner's failed check.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace reference {

class DimensionMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws DimensionMismatch naming `what` unless a == b (e.g. the inner dimensions of a product).
inline void RequireSameDim(int64_t a, int64_t b, const char* what) {
  if (a != b) {
    throw DimensionMismatch(std::string(what) + ": " + std::to_string(a) + " vs " +
                            std::to_string(b));
  }
}

}  // namespace reference
