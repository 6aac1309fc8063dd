// Validation of problems (docs/validation.md): is each problem well-formed, and can its tests
// tell every known misconception apart (mutation adequacy)?
//
// Static checks need no compiler: spec, registered code, declared skills, mistake file names,
// prerequisites (known ids, no cycle), and separation of the mutants on the problem's tests.
// Dynamic checks grade the starter, the solution and every mistakes/*.cpp in the sandbox.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "grader/grade.h"
#include "grader/problem_spec.h"
#include "grader/skills.h"
#include "reference/registry.h"

namespace grader {

// Two outcomes are separated on a test when their largest relative error exceeds this multiple
// of the test's tolerance (research/learning.md §C7), when their shapes differ, or when exactly
// one of them fails a dimension check.
inline constexpr double kSeparationFactor = 1e3;

struct ProblemValidation {
  std::string id;
  std::vector<std::string> failures;  // one line each, naming what and where
  std::vector<std::string> checked;   // what passed, for the report
  bool ok() const { return failures.empty(); }
};

// Prerequisite failures per problem id: unknown ids and cycles ("a -> b -> a").
std::map<std::string, std::vector<std::string>> CheckPrerequisites(
    const std::vector<ProblemSpec>& problems);

// Mutation adequacy on the problem's tests (hidden ones seeded from `secret`): every mutant is
// separated from the reference on every test of its entry, and every pair of mutants of one
// entry on at least one test. Returns one failure line per problem found.
std::vector<std::string> CheckAdequacy(const ProblemSpec& problem,
                                       const reference::ProblemCode& code,
                                       const std::string& secret);

// Skills used by tests and mutants that `catalog` does not declare.
std::vector<std::string> CheckSkills(const ProblemSpec& problem, const reference::ProblemCode& code,
                                     const SkillCatalog& catalog);

// Everything for one loaded problem; grades its files through `context`.
void ValidateProblem(const ProblemSpec& problem, const SkillCatalog& catalog,
                     const GradeContext& context, ProblemValidation* report);

}  // namespace grader
