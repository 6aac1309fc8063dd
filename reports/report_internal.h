// Shared by the report's source files. Internal to reports/.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "db/store.h"
#include "grader/problem_spec.h"
#include "reports/report.h"

namespace reports::internal {

// The class's submissions grouped: problem -> learner -> attempts, oldest first.
using Attempts = std::vector<const db::SubmissionRecord*>;
using ByProblem = std::map<std::string, std::map<std::string, Attempts>>;

inline bool FullMarks(const db::SubmissionRecord& s) {
  return s.max_score > 0 && s.score >= s.max_score - 1e-9;
}

// The mutant's explanation, or "" when the problem or the mutant is unknown.
std::string MutantExplanation(const grader::ProblemSpec* spec, const std::string& id);

ProblemSummary SummariseProblem(const std::string& id, const grader::ProblemSpec* spec,
                                const std::map<std::string, Attempts>& by_learner);

LearnerProblem LearnerProblemReport(const std::string& id, const grader::ProblemSpec* spec,
                                    const Attempts& attempts);

}  // namespace reports::internal
