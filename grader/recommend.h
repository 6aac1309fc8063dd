// Recommendations: which problems a learner should attempt next, and why (docs/skills.md).
//
// A problem is unlocked when every prerequisite is solved (full marks in some graded
// submission). Among unlocked, unsolved problems: first a retry of a problem whose latest
// submission failed with a diagnosed misconception among the learner's recent submissions;
// then problems ordered by the lowest mastery of the unmastered skills they exercise (problem,
// test and mutant skills); problems whose skills are all mastered come last. Ties go by problem
// id, so the result is a function of the database alone. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "db/store.h"
#include "grader/problem_spec.h"
#include "grader/skills.h"

namespace grader {

struct LearnerHistory {
  std::vector<db::SubmissionRecord> submissions;        // most recent first, without tests
  std::vector<db::MasteryRecord> mastery;               // by skill
  std::vector<db::MisconceptionRecord> misconceptions;  // most recent first
};

struct Recommendation {
  std::string problem_id;
  std::string title;
  std::string kind;    // "start" (new learner), "retry", "practice" or "next"
  std::string skill;   // the skill it targets ("" when none is unmastered)
  double mastery = 0;  // the learner's P(L) of that skill
  std::string reason;  // one sentence for the learner
};

inline constexpr size_t kRecentSubmissions = 5;  // "recent" misconceptions for retries

// The skills a problem exercises: its own, its tests' and its mutants', sorted.
std::vector<std::string> ProblemSkills(const ProblemSpec& problem);

// The phrase a misconception is quoted by ("summed db over the wrong axis"), from its
// explanation's first sentence; the id when the explanation does not start with "You ".
std::string MisconceptionPhrase(const std::string& problem_id, const std::string& misconception);

std::vector<Recommendation> Recommend(const std::vector<ProblemSpec>& problems,
                                      const SkillCatalog& catalog, const LearnerHistory& history,
                                      size_t limit);

}  // namespace grader
