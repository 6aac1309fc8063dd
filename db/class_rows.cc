// Class-wide reads for reports: three plain SELECTs joined in memory, so that a class of 300
// learners x 21 problems x 5 attempts costs three table scans rather than a query per row.
#include "db/class_rows.h"

#include <SQLiteCpp/SQLiteCpp.h>

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
  std::string where = " WHERE 1";
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

void BindFilter(SQLite::Statement& query, const ClassFilter& filter) {
  int index = 1;
  for (const std::string& p : filter.problems) query.bind(index++, p);
  for (const std::string& l : filter.learners) query.bind(index++, l);
  if (!filter.since.empty()) query.bind(index++, filter.since);
  if (filter.batch_run) query.bind(index++, *filter.batch_run);
}

}  // namespace

base::StatusOr<std::vector<SubmissionRecord>> ReadClassSubmissions(Store& store,
                                                                   const ClassFilter& filter,
                                                                   bool with_source) {
  try {
    SQLite::Database& database = store.database();
    const std::string where = WhereClause(filter);
    SQLite::Statement submissions(
        database, std::string("SELECT s.id, s.learner, s.problem_id, s.problem_version, "
                              "s.source_hash, ") +
                      (with_source ? "s.source" : "''") +
                      ", s.status, s.score, s.max_score, s.compile_output, s.created_at, "
                      "s.graded_at FROM submissions s" +
                      where + " ORDER BY s.id");
    BindFilter(submissions, filter);
    std::vector<SubmissionRecord> out;
    std::unordered_map<int64_t, size_t> index;
    while (submissions.executeStep()) {
      SubmissionRecord s;
      s.id = submissions.getColumn(0).getInt64();
      s.learner = submissions.getColumn(1).getString();
      s.problem_id = submissions.getColumn(2).getString();
      s.problem_version = submissions.getColumn(3).getInt64();
      s.source_hash = submissions.getColumn(4).getString();
      s.source = submissions.getColumn(5).getString();
      s.status = submissions.getColumn(6).getString();
      s.score = submissions.getColumn(7).getDouble();
      s.max_score = submissions.getColumn(8).getDouble();
      s.compile_output = submissions.getColumn(9).getString();
      s.created_at = submissions.getColumn(10).getString();
      s.graded_at = submissions.getColumn(11).getString();
      index[s.id] = out.size();
      out.push_back(std::move(s));
    }
    if (out.empty()) return out;
    // Tests and diagnoses of the selected submissions, by the same filter.
    SQLite::Statement tests(
        database,
        "SELECT t.submission_id, t.name, t.entry, t.visibility, t.verdict, t.score, "
        "t.max_score, t.message, t.max_rel_error, d.misconception, d.pattern, d.skills, d.text "
        "FROM test_results t JOIN submissions s ON s.id = t.submission_id "
        "LEFT JOIN test_diagnoses d ON d.submission_id = t.submission_id AND "
        "d.position = t.position" +
            where + " ORDER BY t.submission_id, t.position");
    BindFilter(tests, filter);
    while (tests.executeStep()) {
      auto it = index.find(tests.getColumn(0).getInt64());
      if (it == index.end()) continue;
      TestResultRecord t;
      t.name = tests.getColumn(1).getString();
      t.entry = tests.getColumn(2).getString();
      t.visibility = tests.getColumn(3).getString();
      t.verdict = tests.getColumn(4).getString();
      t.score = tests.getColumn(5).getDouble();
      t.max_score = tests.getColumn(6).getDouble();
      t.message = tests.getColumn(7).getString();
      if (!tests.getColumn(8).isNull()) t.max_rel_error = tests.getColumn(8).getDouble();
      if (!tests.getColumn(12).isNull()) {
        DiagnosisRecord d;
        d.misconception = tests.getColumn(9).isNull() ? "" : tests.getColumn(9).getString();
        d.pattern = tests.getColumn(10).isNull() ? "" : tests.getColumn(10).getString();
        d.skills = SplitSkills(tests.getColumn(11).getString());
        d.text = tests.getColumn(12).getString();
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
    SQLite::Statement query(store.database(), sql);
    int bind = 1;
    for (const std::string& l : learners) query.bind(bind++, l);
    std::vector<LearnerMastery> out;
    while (query.executeStep()) {
      LearnerMastery row;
      row.learner = query.getColumn(0).getString();
      row.mastery.skill = query.getColumn(1).getString();
      row.mastery.p_mastery = query.getColumn(2).getDouble();
      row.mastery.observations = query.getColumn(3).getInt64();
      row.mastery.correct = query.getColumn(4).getInt64();
      row.mastery.last_submission_id = query.getColumn(5).getInt64();
      row.mastery.updated_at = query.getColumn(6).getString();
      out.push_back(std::move(row));
    }
    return out;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading the class's mastery: ") + e.what());
  }
}

}  // namespace db
