#include "grader/cli/learner_commands.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "grader/learner_json.h"
#include "grader/learner_name.h"
#include "grader/recommend.h"
#include "grader/skills.h"
#include "grader/validate.h"

namespace grader::cli {
namespace {

namespace fs = std::filesystem;

std::string Fixed(double x, int digits) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%.*f", digits, x);
  return buffer;
}

}  // namespace

int ProblemsValidate(const GlobalOptions& global, const std::vector<std::string>& ids) {
  const fs::path root = ProblemsRoot(global);
  std::error_code ec;
  if (!fs::is_directory(root, ec))
    return Fail(base::Status::NotFound("no problems folder at " + root.string()));
  // Every folder with a problem.toml, loaded one by one so that one broken spec is reported
  // without hiding the others.
  std::vector<std::string> dirs;
  for (const auto& entry : fs::directory_iterator(root)) {
    if (fs::exists(entry.path() / "problem.toml")) dirs.push_back(entry.path().filename().string());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const std::string& id : ids) {
    if (std::find(dirs.begin(), dirs.end(), id) == dirs.end()) {
      return Fail(base::Status::NotFound("unknown problem \"" + id + "\" in " + root.string()));
    }
  }
  std::map<std::string, ProblemValidation> reports;
  std::vector<ProblemSpec> loaded;
  for (const std::string& id : dirs) {
    reports[id].id = id;
    auto spec = LoadProblem(root / id);
    if (!spec.ok()) {
      reports[id].failures.push_back(spec.status().message());
    } else {
      loaded.push_back(*spec);
    }
  }
  auto engine = OpenEngine(global);
  if (!engine.ok()) return Fail(engine.status());
  // Unlike grading, validation reports a missing skills.toml as a failure.
  auto skills = LoadSkills(root);
  const GradeContext context = (*engine)->context();

  const auto prerequisites = CheckPrerequisites(loaded);
  const std::set<std::string> wanted(ids.begin(), ids.end());
  int failed = 0, validated = 0;
  for (const std::string& id : dirs) {
    if (!wanted.empty() && !wanted.count(id)) continue;
    ProblemValidation& report = reports[id];
    if (!skills.ok()) report.failures.push_back(skills.status().message());
    if (auto it = prerequisites.find(id); it != prerequisites.end()) {
      report.failures.insert(report.failures.end(), it->second.begin(), it->second.end());
    }
    for (const ProblemSpec& p : loaded) {
      if (p.id == id) ValidateProblem(p, skills.ok() ? *skills : SkillCatalog(), context, &report);
    }
    ++validated;
    if (report.ok()) {
      std::string checked;
      for (const std::string& c : report.checked) checked += (checked.empty() ? "" : "; ") + c;
      std::cout << id << ": ok (" << checked << ")\n";
    } else {
      ++failed;
      std::cout << id << ": FAILED\n";
      for (const std::string& f : report.failures) std::cout << "  - " << f << "\n";
    }
  }
  std::cout << "validated " << validated << " problem" << (validated == 1 ? "" : "s") << ": "
            << validated - failed << " ok, " << failed << " failed\n";
  return failed == 0 ? kExitOk : kExitValidationFailed;
}

int LearnerShow(const GlobalOptions& global, const std::string& learner, bool json) {
  if (base::Status s = ValidateLearnerName(learner); !s.ok()) return Fail(s);
  auto engine = OpenEngine(global, /*needs_secret=*/false);
  if (!engine.ok()) return Fail(engine.status());
  if (!(*engine)->skills().ok()) return Fail((*engine)->skills().status());
  const SkillCatalog& catalog = *(*engine)->skills();
  auto history = (*engine)->History(learner);
  if (!history.ok()) return Fail(history.status());
  // The misconceptions are quoted from the problems' packs, registered when they load.
  if (auto problems = LoadAllProblems(ProblemsRoot(global)); !problems.ok()) {
    return Fail(problems.status());
  }
  if (history->submissions.empty()) {
    return Fail(base::Status::NotFound("learner \"" + learner + "\" has no submissions"));
  }
  // Attempts per problem, in id order.
  struct Attempts {
    int64_t count = 0;
    double best = 0, max = 0;
  };
  std::map<std::string, Attempts> attempts;
  for (const db::SubmissionRecord& s : history->submissions) {
    Attempts& a = attempts[s.problem_id];
    ++a.count;
    a.best = std::max(a.best, s.score);
    a.max = std::max(a.max, s.max_score);
  }
  // The last distinct misconceptions (per submission and id), most recent first.
  std::vector<const db::MisconceptionRecord*> recent;
  std::set<std::pair<int64_t, std::string>> seen;
  for (const db::MisconceptionRecord& m : history->misconceptions) {
    if (recent.size() >= 10) break;
    if (seen.insert({m.submission_id, m.misconception}).second) recent.push_back(&m);
  }
  if (json) {
    std::cout << LearnerJson(learner, *history, catalog).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Learner " << learner << " · " << history->submissions.size() << " submission"
            << (history->submissions.size() == 1 ? "" : "s")
            << "\n\nSkills (mastered at P(L) >= " << Fixed(catalog.mastery_threshold, 2)
            << " after >= " << catalog.min_observations << " observations):\n";
  char line[200];
  std::snprintf(line, sizeof(line), "  %-22s %-8s %-5s %-8s %s\n", "skill", "mastery", "obs",
                "correct", "status");
  std::cout << line;
  for (const db::MasteryRecord& m : history->mastery) {
    std::snprintf(line, sizeof(line), "  %-22s %-8s %-5lld %-8lld %s\n", m.skill.c_str(),
                  Fixed(m.p_mastery, 2).c_str(), static_cast<long long>(m.observations),
                  static_cast<long long>(m.correct),
                  catalog.Mastered(m.p_mastery, m.observations) ? "mastered" : "learning");
    std::cout << line;
  }
  std::cout << "\nProblems:\n";
  for (const auto& [id, a] : attempts) {
    std::snprintf(line, sizeof(line), "  %-22s %lld attempt%s, best %g / %g%s\n", id.c_str(),
                  static_cast<long long>(a.count), a.count == 1 ? "" : "s", a.best, a.max,
                  a.max > 0 && a.best >= a.max ? " (solved)" : "");
    std::cout << line;
  }
  std::cout << "\nRecent misconceptions:\n";
  if (recent.empty()) std::cout << "  none\n";
  for (const db::MisconceptionRecord* m : recent) {
    std::string skill_list;
    for (const std::string& s : m->skills) skill_list += (skill_list.empty() ? "" : ", ") + s;
    std::cout << "  submission " << m->submission_id << " · " << m->problem_id << " · "
              << m->misconception << " [" << skill_list << "]: you "
              << MisconceptionPhrase(m->problem_id, m->misconception) << "\n";
  }
  return kExitOk;
}

int RecommendFor(const GlobalOptions& global, const std::string& learner, bool json, int limit,
                 bool newcomer) {
  if (base::Status s = ValidateLearnerName(learner); !s.ok()) return Fail(s);
  if (limit < 1 || limit > 100) {
    return Fail(base::Status::InvalidArgument("--limit must be in 1..100"));
  }
  auto problems = LoadAllProblems(ProblemsRoot(global));
  if (!problems.ok()) return Fail(problems.status());
  auto engine = OpenEngine(global, /*needs_secret=*/false);
  if (!engine.ok()) return Fail(engine.status());
  // An unknown learner is a typo more often than a newcomer: say so instead of a generic list.
  auto history = (*engine)->History(learner);
  if (!history.ok()) return Fail(history.status());
  if (history->submissions.empty() && !newcomer) {
    return Fail(base::Status::NotFound("learner \"" + learner +
                                       "\" has no submissions (a new learner? add --new for the "
                                       "problems to start with)"));
  }
  auto found = (*engine)->RecommendFor(*problems, learner, static_cast<size_t>(limit));
  if (!found.ok()) return Fail(found.status());
  const std::vector<Recommendation>& recs = *found;
  if (json) {
    std::cout << RecommendationsJson(learner, recs).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Next for " << learner << ":\n";
  if (recs.empty()) std::cout << "  nothing: every unlocked problem is solved\n";
  for (size_t i = 0; i < recs.size(); ++i) {
    std::cout << "  " << i + 1 << ". " << recs[i].problem_id << " (" << recs[i].kind << ") — "
              << recs[i].reason << "\n";
  }
  return kExitOk;
}

}  // namespace grader::cli
