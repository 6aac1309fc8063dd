// reports: instructor reports over the database (docs/report.md). BuildReport reads the store
// (read-only, through db/class_rows.h) and the problem specs and computes every table of the
// report; the writers turn that data into static HTML (reports/html.h), JSON or CSV
// (reports/export.h). Nothing here grades, compiles or writes to the database.
//
// Contract: learner pages never carry hidden test data (a hidden test keeps its name and
// verdict, never its message or figures); every learner-controlled string is escaped by the
// writers, never here. Pure functions of the database and the specs: no clock, no randomness.
// Threading: no shared state; one report per call.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/class_rows.h"
#include "db/store.h"
#include "grader/problem_spec.h"
#include "grader/recommend.h"
#include "grader/skills.h"
#include "reports/similarity.h"

namespace reports {

inline constexpr int kHistogramBins = 10;  // score fraction in [0, 0.1), ..., [0.9, 1.0]
inline constexpr int kStuckAttempts = 3;   // stuck: at least this many attempts, none full

struct TestRate {
  std::string name;
  std::string visibility;  // "visible" | "hidden"
  int64_t passed = 0;      // among the learners' latest submissions
  int64_t total = 0;
};

// A misconception (mutant id) or a generic pattern, with the learners it was diagnosed for.
struct DiagnosisCount {
  std::string id;
  std::string explanation;            // the problem's mutant explanation, or the pattern name
  int64_t submissions = 0;            // submissions with at least one test diagnosed so
  std::vector<std::string> learners;  // sorted, distinct
};

struct ProblemSummary {
  std::string id;
  std::string title;
  int64_t learners = 0;
  int64_t submissions = 0;
  int64_t solved = 0;                            // learners with a full-marks submission
  std::map<std::string, int64_t> status_counts;  // graded | compile_error | limits | internal_error
  std::vector<int64_t> histogram;                // kHistogramBins: each learner's best fraction
  std::vector<TestRate> tests;                   // in test order
  std::vector<DiagnosisCount> misconceptions;    // most frequent first
  std::vector<DiagnosisCount> patterns;          // most frequent first
  double median_attempts_to_full = 0;            // 0 when nobody reached full marks
  std::vector<std::string> stuck;                // sorted
};

struct WeakSkill {
  std::string skill;
  std::string description;
  double mean_mastery = 0;  // over learners with a mastery row for it
  int64_t learners = 0;
  std::vector<std::string> problems;  // problems practising it (grader::ProblemSkills)
};

struct TestVerdict {
  std::string name;
  std::string visibility;
  std::string verdict;
  std::string message;  // always "" for hidden tests
};

struct Attempt {
  int64_t submission_id = 0;
  std::string created_at;
  std::string status;
  double score = 0;
  double max_score = 0;
};

struct Diagnosis {
  std::string test;
  std::string kind;  // "misconception" | "pattern"
  std::string id;
  std::string explanation;  // the mutant explanation; a pattern's detail only on visible tests
};

struct LearnerProblem {
  std::string problem_id;
  std::vector<Attempt> attempts;  // oldest first
  std::vector<TestVerdict> latest;
  std::vector<TestVerdict> best;  // the first attempt with the highest score
  int64_t best_submission_id = 0;
  std::string compile_output;        // of the latest attempt, when it did not compile
  std::vector<Diagnosis> diagnoses;  // of the latest attempt
};

struct LearnerReport {
  std::string name;
  std::vector<LearnerProblem> problems;  // by problem id
  std::vector<db::MasteryRecord> mastery;
  std::vector<grader::Recommendation> recommendations;
};

struct ClassReport {
  std::vector<ProblemSummary> problems;                          // by problem id
  std::vector<std::string> skills;                               // heatmap columns, sorted
  std::vector<std::string> learners;                             // heatmap rows, sorted
  std::map<std::string, std::map<std::string, double>> mastery;  // learner -> skill -> P(L)
  std::vector<WeakSkill> weakest;                                // lowest mean first, at most 5
  std::vector<LearnerReport> learner_reports;                    // by name
  std::vector<SimilarityCluster> clusters;                       // instructor pages only
  double mastery_threshold = 0.95;
};

struct ReportOptions {
  db::ClassFilter filter;
  double similarity_threshold = 0.8;
  bool similarity = true;
};

// Builds the report of the submissions `options.filter` selects. `problems`: every problem
// (recommendations need the whole curriculum); problems without submissions are left out.
base::StatusOr<ClassReport> BuildReport(db::Store& store,
                                        const std::vector<grader::ProblemSpec>& problems,
                                        const grader::SkillCatalog& catalog,
                                        const ReportOptions& options);

}  // namespace reports
