#include "grader/validate.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

#include "grader/glue.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

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

std::vector<fs::path> MistakeFiles(const ProblemSpec& problem) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(problem.dir / "mistakes", ec)) {
    if (entry.path().extension() == ".cpp") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// "solution.cpp: small: accuracy 0.97 in tier 4 of 4 (...) in 812 ms CPU, ...": the tiers a
// training problem's files reach (hidden tests show the tier only), for the report.
std::string TierSummary(const std::string& file, const GradeResult& result) {
  std::string line = file + " scores " + Points(result.score) + "/" + Points(result.max_score);
  for (const TestResult& t : result.tests) {
    line += ", " + t.name + ": " + t.message;
    if (t.visibility == Visibility::kVisible) {
      line += " in " + std::to_string(t.cpu_time.count()) + " ms CPU";
    }
  }
  return line;
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

std::vector<std::string> CheckMutantsAndMistakeFiles(const ProblemSpec& problem,
                                                     const reference::ProblemCode& code) {
  std::vector<std::string> failures;
  std::set<std::string> ids;
  for (const reference::Mutant& m : code.mutants) {
    if (!ids.insert(m.id).second) failures.push_back("mutant id '" + m.id + "' is used twice");
    if (m.skills.empty()) failures.push_back("mutant '" + m.id + "' has no skill tags");
    if (m.explanation.size() < 40) {
      failures.push_back("mutant '" + m.id + "' needs an explanation of at least 40 characters");
    }
  }
  const std::vector<fs::path> mistakes = MistakeFiles(problem);
  if (mistakes.size() < 3) {
    failures.push_back("mistakes/ has " + std::to_string(mistakes.size()) +
                       " .cpp files; at least 3 are required");
  }
  for (const fs::path& file : mistakes) {
    const std::string stem = file.stem().string();
    // A training run is diagnosed by the pattern its metric shows, not by a mutant: the mistakes
    // of a tier-scored problem are named for what they do (TierMistakeFailures).
    if (!ids.count(stem) && !problem.TierScored()) {
      failures.push_back("mistakes/" + file.filename().string() + ": no mutant of '" + problem.id +
                         "' has the id '" + stem + "' (the file name must name the misconception)");
    }
  }
  return failures;
}

std::vector<std::string> StarterFailures(const GradeResult& result) {
  if (result.status == SubmissionStatus::kCompileError) {
    return {"starter.cpp does not compile: " + result.compile_output.substr(0, 300)};
  }
  if (result.status != SubmissionStatus::kGraded) {
    return {"starter.cpp: internal error: " + result.internal_error};
  }
  if (result.score >= result.max_score) return {"starter.cpp passes every test; it must not"};
  return {};
}

std::vector<std::string> SolutionFailures(const std::string& file, const GradeResult& result) {
  bool all_passed = result.status == SubmissionStatus::kGraded && result.max_score > 0 &&
                    result.score >= result.max_score;
  std::string why = result.status == SubmissionStatus::kCompileError
                        ? "does not compile: " + result.compile_output.substr(0, 300)
                    : result.status == SubmissionStatus::kInternalError
                        ? "internal error: " + result.internal_error
                        : "scores " + Points(result.score) + " / " + Points(result.max_score);
  for (const TestResult& t : result.tests) {
    if (t.verdict == Verdict::kPassed) continue;
    all_passed = false;
    why += "; " + t.name + ": " + t.message;
  }
  if (all_passed) return {};
  return {file + " " + why};
}

std::vector<std::string> MistakeFailures(const std::string& file, const std::string& mutant_id,
                                         const GradeResult& result) {
  if (result.status != SubmissionStatus::kGraded) {
    return {file + ": " +
            (result.status == SubmissionStatus::kCompileError
                 ? "does not compile: " + result.compile_output.substr(0, 300)
                 : "internal error: " + result.internal_error)};
  }
  if (result.score >= result.max_score) return {file + " passes every test; it must fail"};
  std::set<std::string> named, others;
  for (const TestResult& t : result.tests) {
    if (t.verdict == Verdict::kPassed || !t.diagnosis ||
        t.diagnosis->kind != Diagnosis::Kind::kMisconception) {
      continue;
    }
    (t.diagnosis->misconception == mutant_id ? named : others).insert(t.diagnosis->misconception);
  }
  std::vector<std::string> failures;
  if (named.empty()) failures.push_back(file + " is not diagnosed as '" + mutant_id + "'");
  if (!others.empty()) {
    std::string list;
    for (const std::string& o : others) list += (list.empty() ? "" : ", ") + o;
    failures.push_back(file + " is also diagnosed as " + list);
  }
  return failures;
}

std::vector<std::string> TierMistakeFailures(const std::string& file, const GradeResult& result) {
  if (result.status != SubmissionStatus::kGraded) {
    return {file + ": " +
            (result.status == SubmissionStatus::kCompileError
                 ? "does not compile: " + result.compile_output.substr(0, 300)
                 : "internal error: " + result.internal_error)};
  }
  std::string tiers;
  bool lower = false;
  for (const TestResult& t : result.tests) {
    if (t.score < t.max_score) lower = true;
    tiers += (tiers.empty() ? "" : "; ") + t.name + ": " + t.message;
  }
  if (!lower)
    return {file + " reaches the top tier on every test; it must land lower (" + tiers + ")"};
  return {};
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
  auto fail = [&](const std::vector<std::string>& lines) {
    report->failures.insert(report->failures.end(), lines.begin(), lines.end());
  };
  const reference::ProblemCode* code = reference::FindProblemCode(problem.id);
  if (code == nullptr) {
    fail({"no reference code is registered for '" + problem.id + "' (reference/registry.cc)"});
    return;
  }
  fail(CheckSkills(problem, *code, catalog));
  fail(CheckAdequacy(problem, *code, context.secret));
  fail(CheckMutantsAndMistakeFiles(problem, *code));
  report->checked.push_back(std::to_string(code->mutants.size()) + " mutants separated on " +
                            std::to_string(problem.tests.size()) + " tests");

  auto grade = [&](const fs::path& file) -> std::optional<GradeResult> {
    auto source = ReadText(file);
    if (!source.ok()) {
      fail({source.status().message()});
      return std::nullopt;
    }
    return GradeSubmission(problem, *source, context);
  };
  // The starter: the folder's own, or the one generated from problem.toml (grader/glue.h).
  if (fs::exists(problem.dir / "starter.cpp")) {
    if (auto starter = grade(problem.dir / "starter.cpp")) fail(StarterFailures(*starter));
  } else {
    fail(StarterFailures(GradeSubmission(problem, Starter(problem), context)));
  }
  if (auto solution = grade(problem.dir / "solution.cpp")) {
    fail(SolutionFailures("solution.cpp", *solution));
    if (problem.TierScored()) report->checked.push_back(TierSummary("solution.cpp", *solution));
  }
  const std::vector<fs::path> mistakes = MistakeFiles(problem);
  for (const fs::path& file : mistakes) {
    const std::string stem = file.stem().string();
    const std::string name = "mistakes/" + file.filename().string();
    if (problem.TierScored()) {
      if (auto result = grade(file)) {
        fail(TierMistakeFailures(name, *result));
        report->checked.push_back(TierSummary(name, *result));
      }
      continue;
    }
    if (reference::FindMutant(problem.id, stem) == nullptr) continue;  // reported above
    if (auto result = grade(file)) {
      fail(MistakeFailures(name, stem, *result));
    }
  }
  report->checked.push_back("starter, solution and " + std::to_string(mistakes.size()) +
                            " mistakes graded");
}

}  // namespace grader
