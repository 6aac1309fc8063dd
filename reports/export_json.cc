// The report as JSON (fields: docs/report.md, "JSON and CSV").
#include <nlohmann/json.hpp>

#include "reports/export.h"

namespace reports {
namespace {

using nlohmann::json;

json Diagnoses(const std::vector<DiagnosisCount>& rows) {
  json out = json::array();
  for (const DiagnosisCount& d : rows) {
    out.push_back({{"id", d.id},
                   {"explanation", d.explanation},
                   {"submissions", d.submissions},
                   {"learners", d.learners}});
  }
  return out;
}

json Verdicts(const std::vector<TestVerdict>& tests) {
  json out = json::array();
  for (const TestVerdict& t : tests) {
    out.push_back({{"test", t.name},
                   {"visibility", t.visibility},
                   {"verdict", t.verdict},
                   {"message", t.message}});
  }
  return out;
}

json Learner(const LearnerReport& l) {
  json problems = json::array();
  for (const LearnerProblem& p : l.problems) {
    json attempts = json::array();
    for (const Attempt& a : p.attempts) {
      attempts.push_back({{"submission_id", a.submission_id},
                          {"created_at", a.created_at},
                          {"status", a.status},
                          {"score", a.score},
                          {"max_score", a.max_score}});
    }
    json diagnoses = json::array();
    for (const Diagnosis& d : p.diagnoses) {
      diagnoses.push_back(
          {{"test", d.test}, {"kind", d.kind}, {"id", d.id}, {"explanation", d.explanation}});
    }
    problems.push_back({{"problem", p.problem_id},
                        {"attempts", attempts},
                        {"latest", Verdicts(p.latest)},
                        {"best_submission_id", p.best_submission_id},
                        {"best", Verdicts(p.best)},
                        {"compile_output", p.compile_output},
                        {"diagnoses", diagnoses}});
  }
  json mastery = json::array();
  for (const db::MasteryRecord& m : l.mastery) {
    mastery.push_back({{"skill", m.skill},
                       {"p_mastery", m.p_mastery},
                       {"observations", m.observations},
                       {"correct", m.correct}});
  }
  json recs = json::array();
  for (const grader::Recommendation& r : l.recommendations) {
    recs.push_back({{"problem", r.problem_id},
                    {"kind", r.kind},
                    {"skill", r.skill},
                    {"mastery", r.mastery},
                    {"reason", r.reason}});
  }
  return {
      {"learner", l.name}, {"problems", problems}, {"mastery", mastery}, {"recommendations", recs}};
}

}  // namespace

std::string ReportJson(const ClassReport& r) {
  json problems = json::array();
  for (const ProblemSummary& p : r.problems) {
    json tests = json::array();
    for (const TestRate& t : p.tests) {
      tests.push_back({{"test", t.name},
                       {"visibility", t.visibility},
                       {"passed", t.passed},
                       {"total", t.total}});
    }
    problems.push_back({{"problem", p.id},
                        {"title", p.title},
                        {"learners", p.learners},
                        {"submissions", p.submissions},
                        {"solved", p.solved},
                        {"status_counts", p.status_counts},
                        {"histogram", p.histogram},
                        {"tests", tests},
                        {"misconceptions", Diagnoses(p.misconceptions)},
                        {"patterns", Diagnoses(p.patterns)},
                        {"median_attempts_to_full", p.median_attempts_to_full},
                        {"stuck", p.stuck}});
  }
  json weakest = json::array();
  for (const WeakSkill& w : r.weakest) {
    weakest.push_back({{"skill", w.skill},
                       {"description", w.description},
                       {"mean_mastery", w.mean_mastery},
                       {"learners", w.learners},
                       {"problems", w.problems}});
  }
  json clusters = json::array();
  for (const SimilarityCluster& c : r.clusters) {
    json pairs = json::array();
    for (const SimilarityPair& p : c.pairs) {
      pairs.push_back(
          {{"a", p.a}, {"b", p.b}, {"similarity", p.similarity}, {"identical", p.identical}});
    }
    clusters.push_back({{"problem", c.problem_id}, {"learners", c.learners}, {"pairs", pairs}});
  }
  json learners = json::array();
  for (const LearnerReport& l : r.learner_reports) learners.push_back(Learner(l));
  const json out = {{"mastery_threshold", r.mastery_threshold},
                    {"problems", problems},
                    {"skills", r.skills},
                    {"mastery", r.mastery},
                    {"weakest_skills", weakest},
                    {"similarity_clusters", clusters},
                    {"learners", learners}};
  // Invalid UTF-8 (never stored: texts are validated on the way in) would be replaced, not thrown.
  return out.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace reports
