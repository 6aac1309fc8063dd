// The curriculum as a graph: problems ordered so that every problem comes after its
// prerequisites (the order `grader problems list` prints).
#pragma once

#include <vector>

#include "base/status.h"
#include "grader/problem_spec.h"

namespace grader {

// Returns `problems` in a topological order of their prerequisites; among problems whose
// prerequisites are all placed, the smallest id goes first, so the order is deterministic.
// Fails, naming the problem, on a prerequisite that is not in `problems` or on a cycle.
base::StatusOr<std::vector<ProblemSpec>> OrderByPrerequisites(std::vector<ProblemSpec> problems);

}  // namespace grader
