// Commands of the learning side (docs/skills.md, docs/validation.md): problem validation,
// a learner's mastery, and recommendations. Exit codes as commands.h, plus
// kExitValidationFailed for `problems validate`.
#pragma once

#include <string>
#include <vector>

#include "grader/cli/commands.h"

namespace grader::cli {

inline constexpr int kExitValidationFailed = 1;  // a problem failed validation

int ProblemsValidate(const GlobalOptions& global, const std::vector<std::string>& ids);
int LearnerShow(const GlobalOptions& global, const std::string& learner, bool json);
int RecommendFor(const GlobalOptions& global, const std::string& learner, bool json, int limit);

}  // namespace grader::cli
