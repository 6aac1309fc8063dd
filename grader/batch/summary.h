// The text printed at the end of a batch: counts per status, the score distribution, the most
// frequent failing verdicts, and the slowest submissions.
#pragma once

#include <string>
#include <vector>

#include "grader/batch/outputs.h"

namespace grader::batch {

std::string Summary(const ProblemSpec& problem, const std::vector<GradedEntry>& entries,
                    size_t items, size_t skipped);

}  // namespace grader::batch
