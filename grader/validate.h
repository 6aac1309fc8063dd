// Validation of problems (docs/validation.md): is each problem well-formed, and can its tests
// tell every known misconception apart (mutation adequacy)?
//
// Static checks need no compiler: spec, registered code, declared skills, mistake file names,
// prerequisites (known ids, no cycle), and separation of the mutants on the problem's tests.
// Dynamic checks grade the starter, the solution and every mistakes/*.cpp in the sandbox.
#pragma once

#include <cstdint>
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
// of the test's tolerance, when their shapes differ, or when exactly one of them fails a
// dimension check.
inline constexpr double kSeparationFactor = 1e3;

// A hidden test's data change with the deployment secret. It separates a mutant from the
// reference for every secret only when the difference comes from its forced inputs
// (docs/problem-format.md) or from a dimension check; the validator checks the forced case on
// the secret's seed and on these fixed stand-in seeds.
inline constexpr uint64_t kStandInSeeds[] = {11,     12345,  987654321, 0x5EED,
                                             271828, 314159, 1 << 20,   0xC0FFEE};

struct ProblemValidation {
  std::string id;
  std::vector<std::string> failures;  // one line each, naming what and where
  std::vector<std::string> checked;   // what passed, for the report
  bool ok() const { return failures.empty(); }
};

// Prerequisite failures per problem id: unknown ids and cycles ("a -> b -> a").
std::map<std::string, std::vector<std::string>> CheckPrerequisites(
    const std::vector<ProblemSpec>& problems);

// Mutation adequacy on the problem's tests (hidden ones seeded from `secret`): the reference's
// outputs are finite; every mutant is separated from the reference, for every deployment
// secret, by a visible test of its entry or by a hidden one through its forced inputs; every
// pair of mutants of one entry is separated on at least one test. One failure line each.
std::vector<std::string> CheckAdequacy(const ProblemSpec& problem,
                                       const reference::ProblemCode& code,
                                       const std::string& secret);

// The mutants' metadata (unique ids, skills, an explanation) and the mistakes/ folder (at least
// three .cpp files, each named for a mutant of the problem). Static: nothing is compiled.
std::vector<std::string> CheckMutantsAndMistakeFiles(const ProblemSpec& problem,
                                                     const reference::ProblemCode& code);

// The rules a problem's own files meet once graded; `file` names the file in the lines.
// The starter compiles and does not score full marks.
std::vector<std::string> StarterFailures(const GradeResult& result);
// A solution (or an equivalent alternative formulation) scores full marks on every test.
std::vector<std::string> SolutionFailures(const std::string& file, const GradeResult& result);
// mistakes/<mutant_id>.cpp scores less than full marks, is diagnosed as `mutant_id` on at least
// one failed test and as no other misconception on any test.
std::vector<std::string> MistakeFailures(const std::string& file, const std::string& mutant_id,
                                         const GradeResult& result);

// Tier-scored problems: a mistakes/*.cpp compiles, runs, and scores less than full marks on at
// least one test (a lower tier). Its name is free: training runs are diagnosed by patterns.
std::vector<std::string> TierMistakeFailures(const std::string& file, const GradeResult& result);

// Skills used by tests and mutants that `catalog` does not declare.
std::vector<std::string> CheckSkills(const ProblemSpec& problem, const reference::ProblemCode& code,
                                     const SkillCatalog& catalog);

// Everything for one loaded problem; grades its files through `context`.
void ValidateProblem(const ProblemSpec& problem, const SkillCatalog& catalog,
                     const GradeContext& context, ProblemValidation* report);

}  // namespace grader
