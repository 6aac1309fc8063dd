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

// A learner's history as grader::Recommend reads it, from the class rows (oldest first).
grader::LearnerHistory HistoryOf(const std::vector<const db::SubmissionRecord*>& submissions,
                                 std::vector<db::MasteryRecord> mastery) {
  grader::LearnerHistory history;
  history.mastery = std::move(mastery);
  for (auto it = submissions.rbegin(); it != submissions.rend(); ++it) {
    const db::SubmissionRecord& s = **it;
    db::SubmissionRecord without_tests = s;
    without_tests.tests.clear();
    without_tests.source.clear();
    history.submissions.push_back(std::move(without_tests));
    for (const db::TestResultRecord& t : s.tests) {
      if (!t.diagnosis || t.diagnosis->misconception.empty()) continue;
      history.misconceptions.push_back({s.id, s.problem_id, t.name, t.diagnosis->misconception,
                                        t.diagnosis->skills, s.created_at});
    }
  }
  return history;
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
  // The whole history of the selected learners, for the recommendations: the rows already
  // read when the filter selects by learner only, else one more read.
  const db::ClassFilter& f = options.filter;
  std::vector<db::SubmissionRecord> unfiltered;
  std::map<std::string, std::vector<const db::SubmissionRecord*>> history_of = by_learner;
  if (!report.learners.empty() && (!f.problems.empty() || f.batch_run || !f.since.empty())) {
    db::ClassFilter learners_only;
    learners_only.learners = report.learners;
    auto all = db::ReadClassSubmissions(store, learners_only, /*with_source=*/false);
    if (!all.ok()) return all.status();
    unfiltered = std::move(*all);
    history_of.clear();
    for (const db::SubmissionRecord& s : unfiltered) history_of[s.learner].push_back(&s);
  }
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
    // Recommendations follow the whole history, whatever the filter selected.
    page.recommendations =
        grader::Recommend(problems, catalog, HistoryOf(history_of[learner], page.mastery), 3);
    report.learner_reports.push_back(std::move(page));
  }
  return report;
}

}  // namespace reports
