#include "grader/recommend.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

#include "reference/registry.h"

namespace grader {
namespace {

std::string Fixed2(double x) {
  char buffer[16];
  std::snprintf(buffer, sizeof(buffer), "%.2f", x);
  return buffer;
}

std::string Times(size_t n) {
  if (n == 1) return "once";
  if (n == 2) return "twice";
  return std::to_string(n) + " times";
}

struct SkillState {
  double p = 0;
  int64_t observations = 0;
  bool mastered = false;
};

struct Candidate {
  Recommendation rec;
  int group = 0;        // 0 retry, 1 practice an unmastered skill, 2 all mastered
  int64_t recency = 0;  // retries: the submission id (higher first)
};

}  // namespace

std::vector<std::string> ProblemSkills(const ProblemSpec& problem) {
  std::set<std::string> skills(problem.skills.begin(), problem.skills.end());
  for (const TestSpec& t : problem.tests) skills.insert(t.skills.begin(), t.skills.end());
  for (const MutantSpec& m : problem.mutants) skills.insert(m.skills.begin(), m.skills.end());
  return {skills.begin(), skills.end()};
}

std::string MisconceptionPhrase(const std::string& problem_id, const std::string& misconception) {
  const reference::Mutant* mutant = reference::FindMutant(problem_id, misconception);
  if (mutant == nullptr || !mutant->explanation.starts_with("You ")) {
    return "made the mistake '" + misconception + "'";
  }
  std::string sentence = mutant->explanation.substr(4);
  const size_t end = sentence.find(". ");
  if (end != std::string::npos) sentence.resize(end);
  if (!sentence.empty() && sentence.back() == '.') sentence.pop_back();
  return sentence;
}

std::vector<Recommendation> Recommend(const std::vector<ProblemSpec>& problems,
                                      const SkillCatalog& catalog, const LearnerHistory& history,
                                      size_t limit) {
  std::map<std::string, SkillState> skills;
  for (const db::MasteryRecord& m : history.mastery) {
    skills[m.skill] = {m.p_mastery, m.observations, catalog.Mastered(m.p_mastery, m.observations)};
  }
  auto state = [&](const std::string& skill) {
    auto it = skills.find(skill);
    return it != skills.end() ? it->second : SkillState{catalog.Params(skill).prior, 0, false};
  };
  std::set<std::string> solved, attempted;
  std::map<std::string, int64_t> latest;  // problem -> its latest submission id
  for (const db::SubmissionRecord& s : history.submissions) {
    attempted.insert(s.problem_id);
    if (s.status == "graded" && s.max_score > 0 && s.score >= s.max_score)
      solved.insert(s.problem_id);
    latest.emplace(s.problem_id, s.id);  // most recent first: the first one wins
  }
  std::set<int64_t> recent;
  for (size_t i = 0; i < history.submissions.size() && i < kRecentSubmissions; ++i) {
    recent.insert(history.submissions[i].id);
  }
  const bool new_learner = history.submissions.empty();

  std::vector<Candidate> candidates;
  for (const ProblemSpec& p : problems) {
    if (solved.count(p.id)) continue;
    const bool unlocked =
        std::all_of(p.prerequisites.begin(), p.prerequisites.end(),
                    [&](const std::string& pre) { return solved.count(pre) > 0; });
    if (!unlocked) continue;
    Candidate c;
    c.rec.problem_id = p.id;
    c.rec.title = p.title;
    // The weakest unmastered skill it exercises.
    std::optional<std::string> weakest;
    for (const std::string& skill : ProblemSkills(p)) {
      const SkillState s = state(skill);
      if (s.mastered) continue;
      if (!weakest || s.p < state(*weakest).p) weakest = skill;
    }
    if (weakest) {
      c.rec.skill = *weakest;
      c.rec.mastery = state(*weakest).p;
    }
    // A retry: the latest submission of this problem failed with a misconception, recently.
    const db::MisconceptionRecord* last_mistake = nullptr;
    if (latest.count(p.id) && recent.count(latest[p.id])) {
      for (const db::MisconceptionRecord& m : history.misconceptions) {
        if (m.submission_id == latest[p.id]) {
          last_mistake = &m;
          break;
        }
      }
    }
    if (new_learner) {
      c.group = 1;
      c.rec.kind = "start";
      std::string list;
      for (const std::string& s : p.skills) list += (list.empty() ? "" : ", ") + s;
      c.rec.reason =
          p.prerequisites.empty()
              ? "a starting point of the curriculum (no prerequisites); it practises " + list
              : "its prerequisites are met; it practises " + list;
    } else if (last_mistake != nullptr) {
      c.group = 0;
      c.recency = last_mistake->submission_id;
      c.rec.kind = "retry";
      if (!last_mistake->skills.empty()) {
        c.rec.skill = last_mistake->skills.front();
        c.rec.mastery = state(c.rec.skill).p;
      }
      c.rec.reason = "retry it: in submission " + std::to_string(last_mistake->submission_id) +
                     " you " + MisconceptionPhrase(p.id, last_mistake->misconception) +
                     (c.rec.skill.empty()
                          ? std::string()
                          : "; your mastery of " + c.rec.skill + " is " + Fixed2(c.rec.mastery));
    } else if (weakest) {
      c.group = 1;
      c.rec.kind = attempted.count(p.id) ? "practice" : "next";
      // What the learner got wrong on this skill, anywhere: the most frequent misconception.
      std::map<std::string, std::set<int64_t>> by_misconception;
      std::map<std::string, std::string> problem_of;
      for (const db::MisconceptionRecord& m : history.misconceptions) {
        if (std::find(m.skills.begin(), m.skills.end(), *weakest) == m.skills.end()) continue;
        by_misconception[m.misconception].insert(m.submission_id);
        problem_of.emplace(m.misconception, m.problem_id);
      }
      std::string top;
      for (const auto& [id, subs] : by_misconception) {
        if (top.empty() || subs.size() > by_misconception[top].size()) top = id;
      }
      const SkillState s = state(*weakest);
      c.rec.reason = "your mastery of " + *weakest + " is " + Fixed2(s.p);
      if (!top.empty()) {
        c.rec.reason += ": " + Times(by_misconception[top].size()) + " you " +
                        MisconceptionPhrase(problem_of[top], top);
      } else if (s.observations == 0) {
        c.rec.reason += " (not practised yet): " + catalog.Description(*weakest);
      } else {
        c.rec.reason += " after " + std::to_string(s.observations) + " observation" +
                        (s.observations == 1 ? "" : "s");
      }
    } else {
      c.group = 2;
      c.rec.kind = "next";
      c.rec.reason = "you have mastered the skills it uses; solving it unlocks what comes after";
    }
    candidates.push_back(std::move(c));
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.group != b.group) return a.group < b.group;
    if (a.group == 0 && a.recency != b.recency) return a.recency > b.recency;
    if (a.group == 1 && a.rec.mastery != b.rec.mastery) return a.rec.mastery < b.rec.mastery;
    return a.rec.problem_id < b.rec.problem_id;
  });
  std::vector<Recommendation> out;
  for (size_t i = 0; i < candidates.size() && i < limit; ++i) out.push_back(candidates[i].rec);
  return out;
}

}  // namespace grader
