#include "grader/learner_json.h"

#include <algorithm>
#include <map>
#include <set>

namespace grader {

nlohmann::json LearnerJson(const std::string& learner, const LearnerHistory& history,
                           const SkillCatalog& catalog) {
  struct Attempts {
    int64_t count = 0;
    double best = 0, max = 0;
  };
  std::map<std::string, Attempts> attempts;  // in problem id order
  for (const db::SubmissionRecord& s : history.submissions) {
    Attempts& a = attempts[s.problem_id];
    ++a.count;
    a.best = std::max(a.best, s.score);
    a.max = std::max(a.max, s.max_score);
  }
  nlohmann::json out = {{"learner", learner},
                        {"submissions", history.submissions.size()},
                        {"mastery_threshold", catalog.mastery_threshold},
                        {"min_observations", catalog.min_observations}};
  out["skills"] = nlohmann::json::array();
  for (const db::MasteryRecord& m : history.mastery) {
    out["skills"].push_back({{"skill", m.skill},
                             {"description", catalog.Description(m.skill)},
                             {"p_mastery", m.p_mastery},
                             {"observations", m.observations},
                             {"correct", m.correct},
                             {"mastered", catalog.Mastered(m.p_mastery, m.observations)}});
  }
  out["problems"] = nlohmann::json::array();
  for (const auto& [id, a] : attempts) {
    out["problems"].push_back({{"problem", id},
                               {"attempts", a.count},
                               {"best_score", a.best},
                               {"max_score", a.max},
                               {"solved", a.max > 0 && a.best >= a.max}});
  }
  // The last distinct misconceptions (per submission and id), most recent first.
  out["recent_misconceptions"] = nlohmann::json::array();
  std::set<std::pair<int64_t, std::string>> seen;
  for (const db::MisconceptionRecord& m : history.misconceptions) {
    if (out["recent_misconceptions"].size() >= 10) break;
    if (!seen.insert({m.submission_id, m.misconception}).second) continue;
    out["recent_misconceptions"].push_back({{"submission_id", m.submission_id},
                                            {"problem", m.problem_id},
                                            {"misconception", m.misconception},
                                            {"skills", m.skills},
                                            {"created_at", m.created_at}});
  }
  return out;
}

nlohmann::json RecommendationsJson(const std::string& learner,
                                   const std::vector<Recommendation>& recommendations) {
  nlohmann::json out = {{"learner", learner}, {"recommendations", nlohmann::json::array()}};
  for (const Recommendation& r : recommendations) {
    out["recommendations"].push_back(
        {{"problem", r.problem_id},
         {"title", r.title},
         {"kind", r.kind},
         {"skill", r.skill.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.skill)},
         {"mastery", r.skill.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.mastery)},
         {"reason", r.reason}});
  }
  return out;
}

}  // namespace grader
