// Commands of the learning side (docs/skills.md, docs/validation.md): problem validation,
// a learner's mastery, and recommendations. Exit codes: grader/cli/exit_codes.h.
#pragma once

#include <string>
#include <vector>

#include "grader/cli/commands.h"

namespace grader::cli {

int ProblemsValidate(const GlobalOptions& global, const std::vector<std::string>& ids);
int LearnerShow(const GlobalOptions& global, const std::string& learner, bool json);
// A learner without submissions is refused (exit 2: usually a typo) unless `newcomer`, which
// asks for a new learner's starting points.
int RecommendFor(const GlobalOptions& global, const std::string& learner, bool json, int limit,
                 bool newcomer = false);

}  // namespace grader::cli
