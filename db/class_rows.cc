// Class-wide reads for reports: three plain SELECTs joined in memory, so that a class of 300
// learners x 21 problems x 5 attempts costs three table scans rather than a query per row.
#include "db/class_rows.h"

#include <exception>
#include <set>
#include <unordered_map>

#include "db/store_internal.h"

namespace db {
namespace {

// "?, ?, ?" for n values.
std::string Placeholders(size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

std::string WhereClause(const ClassFilter& filter) {
  std::string where = " WHERE 1 = 1";
  if (!filter.problems.empty())
    where += " AND s.problem_id IN (" + Placeholders(filter.problems.size()) + ")";
  if (!filter.learners.empty())
    where += " AND s.learner IN (" + Placeholders(filter.learners.size()) + ")";
  if (!filter.since.empty()) where += " AND s.created_at >= ?";
  if (filter.batch_run)
    where +=
        " AND s.id IN (SELECT submission_id FROM batch_items WHERE run_id = ? "
        "AND submission_id IS NOT NULL)";
  return where;
}

void BindFilter(Statement& query, const ClassFilter& filter) {
  int index = 1;
  for (const std::string& p : filter.problems) query.Bind(index++, p);
  for (const std::string& l : filter.learners) query.Bind(index++, l);
  if (!filter.since.empty()) query.Bind(index++, filter.since);
  if (filter.batch_run) query.Bind(index++, *filter.batch_run);
}

}  // namespace

base::StatusOr<std::vector<SubmissionRecord>> ReadClassSubmissions(Store& store,
                                                                   const ClassFilter& filter,
                                                                   bool with_source) {
  try {
    Connection& database = store.connection();
    const std::string where = WhereClause(filter);
    Statement submissions(database,
                          std::string("SELECT s.id, s.learner, s.problem_id, s.problem_version, "
                                      "s.source_hash, ") +
                              (with_source ? "s.source" : "''") +
                              ", s.status, s.score, s.max_score, s.compile_output, s.created_at, "
                              "s.graded_at FROM submissions s" +
                              where + " ORDER BY s.id");
    BindFilter(submissions, filter);
    std::vector<SubmissionRecord> out;
    std::unordered_map<int64_t, size_t> index;
    while (submissions.Step()) {
      SubmissionRecord s;
      s.id = submissions.Column(0).Int64();
      s.learner = submissions.Column(1).Text();
      s.problem_id = submissions.Column(2).Text();
      s.problem_version = submissions.Column(3).Int64();
      s.source_hash = submissions.Column(4).Text();
      s.source = submissions.Column(5).Text();
      s.status = submissions.Column(6).Text();
      s.score = submissions.Column(7).Double();
      s.max_score = submissions.Column(8).Double();
      s.compile_output = submissions.Column(9).Text();
      s.created_at = submissions.Column(10).Text();
      s.graded_at = submissions.Column(11).Text();
      index[s.id] = out.size();
      out.push_back(std::move(s));
    }
    if (out.empty()) return out;
    // Tests and diagnoses of the selected submissions, by the same filter.
    Statement tests(
        database,
        "SELECT t.submission_id, t.name, t.entry, t.visibility, t.verdict, t.score, "
        "t.max_score, t.message, t.max_rel_error, d.misconception, d.pattern, d.skills, d.text "
        "FROM test_results t JOIN submissions s ON s.id = t.submission_id "
        "LEFT JOIN test_diagnoses d ON d.submission_id = t.submission_id AND "
        "d.position = t.position" +
            where + " ORDER BY t.submission_id, t.position");
    BindFilter(tests, filter);
    while (tests.Step()) {
      auto it = index.find(tests.Column(0).Int64());
      if (it == index.end()) continue;
      TestResultRecord t;
      t.name = tests.Column(1).Text();
      t.entry = tests.Column(2).Text();
      t.visibility = tests.Column(3).Text();
      t.verdict = tests.Column(4).Text();
      t.score = tests.Column(5).Double();
      t.max_score = tests.Column(6).Double();
      t.message = tests.Column(7).Text();
      if (!tests.Column(8).IsNull()) t.max_rel_error = tests.Column(8).Double();
      if (!tests.Column(12).IsNull()) {
        DiagnosisRecord d;
        d.misconception = tests.Column(9).IsNull() ? "" : tests.Column(9).Text();
        d.pattern = tests.Column(10).IsNull() ? "" : tests.Column(10).Text();
        d.skills = SplitSkills(tests.Column(11).Text());
        d.text = tests.Column(12).Text();
        t.diagnosis = std::move(d);
      }
      out[it->second].tests.push_back(std::move(t));
    }
    return out;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading the class's submissions: ") + e.what());
  }
}

base::StatusOr<std::vector<LearnerMastery>> ReadClassMastery(
    Store& store, const std::vector<std::string>& learners) {
  try {
    std::string sql =
        "SELECT learner, skill, p_mastery, observations, correct, last_submission_id, "
        "updated_at FROM skill_mastery";
    if (!learners.empty()) sql += " WHERE learner IN (" + Placeholders(learners.size()) + ")";
    sql += " ORDER BY learner, skill";
    Statement query(store.connection(), sql);
    int bind = 1;
    for (const std::string& l : learners) query.Bind(bind++, l);
    std::vector<LearnerMastery> out;
    while (query.Step()) {
      LearnerMastery row;
      row.learner = query.Column(0).Text();
      row.mastery.skill = query.Column(1).Text();
      row.mastery.p_mastery = query.Column(2).Double();
      row.mastery.observations = query.Column(3).Int64();
      row.mastery.correct = query.Column(4).Int64();
      row.mastery.last_submission_id = query.Column(5).Int64();
      row.mastery.updated_at = query.Column(6).Text();
      out.push_back(std::move(row));
    }
    return out;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading the class's mastery: ") + e.what());
  }
}

}  // namespace db
