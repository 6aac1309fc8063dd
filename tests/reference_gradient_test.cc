// The references' own gradient check, discovered from the problems (never listed by hand): for
// every backward entry that declares `gradient_of`, on every test of that entry, the reference
// backward agrees with central differences of the reference forward (grader/gradient_check.h).
// A new problem that declares gradient_of is checked here without editing this file.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "grader/generator.h"
#include "grader/gradient_check.h"
#include "grader/problem_spec.h"
#include "reference/registry.h"

namespace {

using reference::Tensors;

// A visible test's seed, or stand-ins for a hidden test's secret-derived one.
std::vector<uint64_t> SeedsOf(const grader::TestSpec& test) {
  if (test.seed) return {*test.seed};
  return {11, 12345};
}

TEST(ReferenceGradientTest, EveryBackwardWithAForwardMatchesCentralDifferences) {
  auto problems = grader::LoadAllProblems(std::filesystem::path(GRADER_SOURCE_DIR) / "problems");
  ASSERT_TRUE(problems.ok()) << problems.status().message();
  std::set<std::string> declared, checked;
  for (const grader::ProblemSpec& problem : *problems) {
    const reference::ProblemCode* code = reference::FindProblemCode(problem.id);
    ASSERT_NE(code, nullptr) << problem.id;
    for (const grader::TestSpec& test : problem.tests) {
      const grader::EntrySpec* backward = problem.FindEntry(test.entry);
      if (backward == nullptr || !backward->gradient_of) continue;
      const std::string where = problem.id + "/" + test.name;
      declared.insert(problem.id + "/" + backward->name);
      const std::string& forward = backward->gradient_of->forward;
      for (uint64_t seed : SeedsOf(test)) {
        auto inputs = grader::GenerateInputs(test, seed);
        ASSERT_TRUE(inputs.ok()) << where << ": " << inputs.status().message();
        auto gradients = reference::Evaluate(code->reference, backward->name, *inputs);
        ASSERT_TRUE(gradients.ok()) << where << ": " << gradients.status().message();
        auto check =
            grader::DirectionalCheck(problem, *code, *backward, test, *inputs, *gradients,
                                     [&](const Tensors& x) -> std::optional<Tensors> {
                                       auto y = reference::Evaluate(code->reference, forward, x);
                                       return y.ok() ? std::optional<Tensors>(*y) : std::nullopt;
                                     });
        if (!check) {
          ADD_FAILURE() << where << ": the check could not be made";
          continue;
        }
        EXPECT_TRUE(grader::GradientConsistent(*check))
            << where << " seed " << seed << ": analytic " << check->analytic << ", numerical "
            << check->numerical;
        EXPECT_TRUE(check->forward_right) << where;
        checked.insert(problem.id + "/" + backward->name);
      }
    }
  }
  EXPECT_FALSE(declared.empty()) << "no problem declares gradient_of";
  EXPECT_EQ(checked, declared);
}

}  // namespace
