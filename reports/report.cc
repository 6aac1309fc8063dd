// BuildReport: reads the class once (db/class_rows.h), groups it by problem and learner, and
// fills every table (reports/report.h).
#include "reports/report.h"

#include <algorithm>
#include <set>

#include "grader/glue.h"
#include "reports/report_internal.h"

namespace reports {
namespace {

using internal::ByProblem;

const grader::ProblemSpec* FindSpec(const std::vector<grader::ProblemSpec>& problems,
                                    const std::string& id) {
  for (const grader::ProblemSpec& p : problems) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

void AddSkills(ClassReport* report, const std::vector<db::LearnerMastery>& rows,
               const std::vector<grader::ProblemSpec>& problems,
               const grader::SkillCatalog& catalog) {
  std::set<std::string> learners(report->learners.begin(), report->learners.end());
  std::set<std::string> skills;
  std::map<std::string, std::pair<double, int64_t>> sums;  // skill -> (sum, count)
  for (const db::LearnerMastery& row : rows) {
    if (!learners.count(row.learner)) continue;
    skills.insert(row.mastery.skill);
    report->mastery[row.learner][row.mastery.skill] = row.mastery.p_mastery;
    auto& [sum, count] = sums[row.mastery.skill];
    sum += row.mastery.p_mastery;
    ++count;
  }
  report->skills.assign(skills.begin(), skills.end());
  std::vector<WeakSkill> weak;
  for (const auto& [skill, sc] : sums) {
    WeakSkill w{skill,
                catalog.Description(skill),
                sc.first / static_cast<double>(sc.second),
                sc.second,
                {}};
    for (const grader::ProblemSpec& p : problems) {
      const std::vector<std::string> practised = grader::ProblemSkills(p);
      if (std::find(practised.begin(), practised.end(), skill) != practised.end())
        w.problems.push_back(p.id);
    }
    weak.push_back(std::move(w));
  }
  std::stable_sort(weak.begin(), weak.end(),
                   [](const auto& a, const auto& b) { return a.mean_mastery < b.mean_mastery; });
  if (weak.size() > 5) weak.resize(5);
  report->weakest = std::move(weak);
}

// The learner's current recommendations, from the whole history (not only the filtered rows).
base::StatusOr<std::vector<grader::Recommendation>> RecommendationsFor(
    db::Store& store, const std::string& learner, const std::vector<grader::ProblemSpec>& problems,
    const grader::SkillCatalog& catalog) {
  grader::LearnerHistory history;
  auto submissions = store.ListSubmissions(learner, 100000);
  if (!submissions.ok()) return submissions.status();
  auto mastery = store.GetMastery(learner);
  if (!mastery.ok()) return mastery.status();
  auto misconceptions = store.ListMisconceptions(learner, 100);
  if (!misconceptions.ok()) return misconceptions.status();
  history.submissions = std::move(*submissions);
  history.mastery = std::move(*mastery);
  history.misconceptions = std::move(*misconceptions);
  return grader::Recommend(problems, catalog, history, 3);
}

}  // namespace

base::StatusOr<ClassReport> BuildReport(db::Store& store,
                                        const std::vector<grader::ProblemSpec>& problems,
                                        const grader::SkillCatalog& catalog,
                                        const ReportOptions& options) {
  auto submissions = db::ReadClassSubmissions(store, options.filter, options.similarity);
  if (!submissions.ok()) return submissions.status();
  ByProblem by_problem;
  std::map<std::string, std::vector<const db::SubmissionRecord*>> by_learner;
  for (const db::SubmissionRecord& s : *submissions) {
    by_problem[s.problem_id][s.learner].push_back(&s);
    by_learner[s.learner].push_back(&s);
  }
  ClassReport report;
  report.mastery_threshold = catalog.mastery_threshold;
  for (const auto& [id, learners] : by_problem) {
    const grader::ProblemSpec* spec = FindSpec(problems, id);
    report.problems.push_back(internal::SummariseProblem(id, spec, learners));
    if (!options.similarity) continue;
    std::vector<SimilarityInput> latest;
    for (const auto& [learner, attempts] : learners)
      latest.push_back({learner, attempts.back()->source});
    const std::string starter = spec ? grader::Starter(*spec) : "";
    for (SimilarityCluster& c : FindClusters(id, latest, starter, options.similarity_threshold))
      report.clusters.push_back(std::move(c));
  }
  for (const auto& [learner, unused] : by_learner) report.learners.push_back(learner);
  auto mastery = db::ReadClassMastery(store, options.filter.learners);
  if (!mastery.ok()) return mastery.status();
  AddSkills(&report, *mastery, problems, catalog);
  std::map<std::string, std::vector<db::MasteryRecord>> mastery_of;
  for (const db::LearnerMastery& row : *mastery) mastery_of[row.learner].push_back(row.mastery);

  for (const std::string& learner : report.learners) {
    LearnerReport page;
    page.name = learner;
    for (const auto& [id, learners] : by_problem) {
      auto it = learners.find(learner);
      if (it == learners.end()) continue;
      page.problems.push_back(
          internal::LearnerProblemReport(id, FindSpec(problems, id), it->second));
    }
    if (auto it = mastery_of.find(learner); it != mastery_of.end()) page.mastery = it->second;
    auto recs = RecommendationsFor(store, learner, problems, catalog);
    if (!recs.ok()) return recs.status();
    page.recommendations = std::move(*recs);
    report.learner_reports.push_back(std::move(page));
  }
  return report;
}

}  // namespace reports
