// Plain sentences for the link errors a learner can cause, instead of the linker's raw lines
// (which name the grader's internal object files and mangled Eigen types).
#pragma once

#include <string>

namespace grader {

// For compiler output that holds a learner-caused link error: the learner defined main()
// (the harness has its own), or did not define a function the problem declares (a misspelt
// name, other parameter types). One sentence per error, or "" when there is none.
std::string ExplainLinkErrors(const std::string& compiler_output);

}  // namespace grader
