#include "grader/validate.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

#include "grader/compare.h"
#include "grader/generator.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

// The largest relative error between two output sets (+inf when a shape or name differs).
double Distance(const reference::Tensors& a, const reference::Tensors& b, double floor) {
  double worst = 0;
  for (const auto& [name, ta] : a) {
    auto tb = b.find(name);
    if (tb == b.end() || ta.rows != tb->second.rows || ta.cols != tb->second.cols) return INFINITY;
    for (size_t i = 0; i < ta.values.size(); ++i) {
      const double x = ta.values[i], y = tb->second.values[i];
      if (std::isnan(x) != std::isnan(y)) return INFINITY;
      if (!std::isfinite(x) || !std::isfinite(y)) {
        if (x != y) return INFINITY;
        continue;
      }
      worst = std::max(worst, RelativeError(x, y, floor));
    }
  }
  return worst;
}

bool Separated(const reference::MutantOutcome& a, const reference::MutantOutcome& b,
               const TestSpec& test) {
  if (a.dimension_mismatch || b.dimension_mismatch) {
    return a.dimension_mismatch != b.dimension_mismatch;
  }
  return Distance(a.outputs, b.outputs, test.floor) > kSeparationFactor * test.tolerance;
}

base::StatusOr<std::string> ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Status::NotFound(path.string() + " cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Points(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", x);
  return buffer;
}

}  // namespace

std::map<std::string, std::vector<std::string>> CheckPrerequisites(
    const std::vector<ProblemSpec>& problems) {
  std::map<std::string, const ProblemSpec*> by_id;
  for (const ProblemSpec& p : problems) by_id[p.id] = &p;
  std::map<std::string, std::vector<std::string>> failures;
  for (const ProblemSpec& p : problems) {
    for (const std::string& pre : p.prerequisites) {
      if (!by_id.count(pre))
        failures[p.id].push_back("prerequisite '" + pre + "' is not a known problem");
    }
  }
  // Depth-first search; a back edge closes a cycle, reported once for each problem on it.
  std::map<std::string, int> color;  // 0 new, 1 on the stack, 2 done
  std::vector<std::string> stack;
  std::function<void(const std::string&)> visit = [&](const std::string& id) {
    color[id] = 1;
    stack.push_back(id);
    for (const std::string& pre : by_id[id]->prerequisites) {
      if (!by_id.count(pre)) continue;
      if (color[pre] == 1) {
        auto from = std::find(stack.begin(), stack.end(), pre);
        std::string cycle;
        for (auto it = from; it != stack.end(); ++it) cycle += *it + " -> ";
        cycle += pre;
        for (auto it = from; it != stack.end(); ++it) {
          failures[*it].push_back("prerequisites form a cycle: " + cycle);
        }
      } else if (color[pre] == 0) {
        visit(pre);
      }
    }
    stack.pop_back();
    color[id] = 2;
  };
  for (const auto& [id, p] : by_id) {
    if (color[id] == 0) visit(id);
  }
  return failures;
}

std::vector<std::string> CheckAdequacy(const ProblemSpec& problem,
                                       const reference::ProblemCode& code,
                                       const std::string& secret) {
  std::vector<std::string> failures;
  // outcomes[mutant index][test index], for the tests of the mutant's entry.
  std::map<std::pair<size_t, size_t>, reference::MutantOutcome> outcomes;
  std::set<size_t> separated_from_reference;
  for (size_t t = 0; t < problem.tests.size(); ++t) {
    const TestSpec& test = problem.tests[t];
    auto inputs = GenerateInputs(test, TestSeed(problem, test, secret));
    if (!inputs.ok()) {
      failures.push_back("test '" + test.name + "': " + inputs.status().message());
      continue;
    }
    auto expected = reference::Evaluate(code.reference, test.entry, *inputs);
    if (!expected.ok()) {
      failures.push_back("test '" + test.name +
                         "': the reference failed: " + expected.status().message());
      continue;
    }
    const reference::MutantOutcome reference_outcome{false, *expected};
    for (size_t m = 0; m < code.mutants.size(); ++m) {
      const reference::Mutant& mutant = code.mutants[m];
      if (mutant.entry != test.entry) continue;
      auto outcome = reference::EvaluateMutant(mutant, *inputs);
      if (!outcome.ok()) {
        failures.push_back("test '" + test.name + "': " + outcome.status().message());
        continue;
      }
      if (Separated(*outcome, reference_outcome, test)) separated_from_reference.insert(m);
      outcomes[{m, t}] = *outcome;
    }
  }
  // A mistake may show only on some inputs (a naive exp overflows only for |z| near 800), so a
  // mutant needs one test of its entry that tells it from the reference, not every test.
  for (size_t m = 0; m < code.mutants.size(); ++m) {
    if (separated_from_reference.count(m) == 0) {
      failures.push_back("mutant '" + code.mutants[m].id +
                         "' is not separated from the reference by any test of entry '" +
                         code.mutants[m].entry +
                         "' (add discriminating inputs, research/learning.md §C6)");
    }
  }
  for (size_t a = 0; a < code.mutants.size(); ++a) {
    for (size_t b = a + 1; b < code.mutants.size(); ++b) {
      if (code.mutants[a].entry != code.mutants[b].entry) continue;
      bool separated = false;
      std::string tests;
      for (size_t t = 0; t < problem.tests.size() && !separated; ++t) {
        auto oa = outcomes.find({a, t}), ob = outcomes.find({b, t});
        if (oa == outcomes.end() || ob == outcomes.end()) continue;
        separated = Separated(oa->second, ob->second, problem.tests[t]);
        tests += (tests.empty() ? "" : ", ") + problem.tests[t].name;
      }
      if (!separated) {
        failures.push_back("mutants '" + code.mutants[a].id + "' and '" + code.mutants[b].id +
                           "' are not separated by any test (" +
                           (tests.empty()
                                ? std::string("no test of entry '") + code.mutants[a].entry + "'"
                                : "tried " + tests) +
                           ")");
      }
    }
  }
  return failures;
}

std::vector<std::string> CheckSkills(const ProblemSpec& problem, const reference::ProblemCode& code,
                                     const SkillCatalog& catalog) {
  std::set<std::string> missing;
  std::vector<std::string> failures;
  auto check = [&](const std::string& skill, const std::string& where) {
    if (!catalog.Known(skill) && missing.insert(skill + where).second) {
      failures.push_back(where + ": skill '" + skill + "' is not declared in skills.toml");
    }
  };
  for (const std::string& s : problem.skills) check(s, "problem.toml skills");
  for (const TestSpec& t : problem.tests) {
    for (const std::string& s : t.skills) check(s, "test '" + t.name + "'");
  }
  for (const reference::Mutant& m : code.mutants) {
    for (const std::string& s : m.skills) check(s, "mutant '" + m.id + "'");
    if (problem.FindEntry(m.entry) == nullptr) {
      failures.push_back("mutant '" + m.id + "': entry '" + m.entry + "' is not in problem.toml");
    }
  }
  return failures;
}

void ValidateProblem(const ProblemSpec& problem, const SkillCatalog& catalog,
                     const GradeContext& context, ProblemValidation* report) {
  auto fail = [&](const std::string& line) { report->failures.push_back(line); };
  const reference::ProblemCode* code = reference::FindProblemCode(problem.id);
  if (code == nullptr) {
    fail("no reference code is registered for '" + problem.id + "' (reference/registry.cc)");
    return;
  }
  for (const std::string& f : CheckSkills(problem, *code, catalog)) fail(f);
  for (const std::string& f : CheckAdequacy(problem, *code, context.secret)) fail(f);
  report->checked.push_back(std::to_string(code->mutants.size()) + " mutants separated on " +
                            std::to_string(problem.tests.size()) + " tests");

  auto grade = [&](const fs::path& file) -> std::optional<GradeResult> {
    auto source = ReadText(file);
    if (!source.ok()) {
      fail(source.status().message());
      return std::nullopt;
    }
    return GradeSubmission(problem, *source, context);
  };
  if (auto starter = grade(problem.dir / "starter.cpp")) {
    if (starter->status == SubmissionStatus::kCompileError) {
      fail("starter.cpp does not compile: " + starter->compile_output.substr(0, 300));
    } else if (starter->status != SubmissionStatus::kGraded) {
      fail("starter.cpp: internal error: " + starter->internal_error);
    } else if (starter->score >= starter->max_score) {
      fail("starter.cpp passes every test; it must not");
    }
  }
  if (auto solution = grade(problem.dir / "solution.cpp")) {
    if (solution->status != SubmissionStatus::kGraded || solution->score < solution->max_score) {
      std::string why =
          solution->status == SubmissionStatus::kCompileError
              ? "does not compile"
              : "scores " + Points(solution->score) + " / " + Points(solution->max_score);
      for (const TestResult& t : solution->tests) {
        if (t.verdict != Verdict::kPassed) why += "; " + t.name + ": " + t.message;
      }
      fail("solution.cpp " + why);
    }
  }
  std::vector<fs::path> mistakes;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(problem.dir / "mistakes", ec)) {
    if (entry.path().extension() == ".cpp") mistakes.push_back(entry.path());
  }
  std::sort(mistakes.begin(), mistakes.end());
  if (mistakes.size() < 3) {
    fail("mistakes/ has " + std::to_string(mistakes.size()) +
         " .cpp files; at least 3 are required");
  }
  for (const fs::path& file : mistakes) {
    const std::string stem = file.stem().string();
    const std::string where = "mistakes/" + file.filename().string();
    if (reference::FindMutant(problem.id, stem) == nullptr) {
      fail(where + ": no mutant of '" + problem.id + "' has the id '" + stem +
           "' (the file name must name the misconception)");
      continue;
    }
    auto result = grade(file);
    if (!result) continue;
    if (result->status != SubmissionStatus::kGraded) {
      fail(where + ": " +
           (result->status == SubmissionStatus::kCompileError
                ? "does not compile: " + result->compile_output.substr(0, 300)
                : "internal error: " + result->internal_error));
      continue;
    }
    if (result->score >= result->max_score) {
      fail(where + " passes every test; it must fail");
      continue;
    }
    std::set<std::string> named, others;
    for (const TestResult& t : result->tests) {
      if (!t.diagnosis || t.diagnosis->kind != Diagnosis::Kind::kMisconception) continue;
      (t.diagnosis->misconception == stem ? named : others).insert(t.diagnosis->misconception);
    }
    if (named.empty()) {
      fail(where + " is not diagnosed as '" + stem + "'");
    } else if (!others.empty()) {
      std::string list;
      for (const std::string& o : others) list += (list.empty() ? "" : ", ") + o;
      fail(where + " is also diagnosed as " + list);
    }
  }
  report->checked.push_back("starter, solution and " + std::to_string(mistakes.size()) +
                            " mistakes graded");
}

}  // namespace grader
