// The JSON of `learner show --json` and `recommend --json` (docs/cli.md), shared by the CLI and
// the service's GET /v1/learners/{name}[/recommendations] so that both say the same thing.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "grader/recommend.h"
#include "grader/skills.h"

namespace grader {

// The learner's submissions count, mastery per skill, attempts per problem (best score) and
// their last ten distinct misconceptions. Pure.
nlohmann::json LearnerJson(const std::string& learner, const LearnerHistory& history,
                           const SkillCatalog& catalog);
nlohmann::json RecommendationsJson(const std::string& learner,
                                   const std::vector<Recommendation>& recommendations);

}  // namespace grader
