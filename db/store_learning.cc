// The learning side of the store: diagnoses, skill evidence and BKT mastery (migration 2).
#include <SQLiteCpp/SQLiteCpp.h>

#include <exception>
#include <set>

#include "db/store.h"
#include "db/store_internal.h"

namespace db {

void Store::InsertLearningRowsOrThrow(int64_t submission_id, const SubmissionRecord& submission) {
  SQLite::Database& database = *database_;
  SQLite::Statement insert_diagnosis(
      database,
      "INSERT INTO test_diagnoses (submission_id, position, misconception, pattern, skills, text) "
      "VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?)");
  for (size_t position = 0; position < submission.tests.size(); ++position) {
    const auto& diagnosis = submission.tests[position].diagnosis;
    if (!diagnosis) continue;
    insert_diagnosis.reset();
    insert_diagnosis.bind(1, submission_id);
    insert_diagnosis.bind(2, static_cast<int64_t>(position));
    insert_diagnosis.bind(3, diagnosis->misconception);
    insert_diagnosis.bind(4, diagnosis->pattern);
    insert_diagnosis.bind(5, JoinSkills(diagnosis->skills));
    insert_diagnosis.bind(6, diagnosis->text);
    insert_diagnosis.exec();
  }

  SQLite::Statement read(database,
                         "SELECT p_mastery FROM skill_mastery WHERE learner = ? AND skill = ?");
  SQLite::Statement insert_evidence(
      database,
      "INSERT INTO skill_evidence (submission_id, skill, correct, source, mastery_before, "
      "mastery_after) VALUES (?, ?, ?, ?, ?, ?)");
  SQLite::Statement upsert(
      database,
      "INSERT INTO skill_mastery (learner, skill, p_mastery, observations, correct, "
      "last_submission_id, updated_at) VALUES (?1, ?2, ?3, 1, ?4, ?5, "
      "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) "
      "ON CONFLICT (learner, skill) DO UPDATE SET p_mastery = ?3, "
      "observations = observations + 1, correct = correct + ?4, last_submission_id = ?5, "
      "updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
  std::set<std::string> seen;
  for (const SkillObservation& o : submission.observations) {
    if (!seen.insert(o.skill).second) continue;  // one observation per skill per submission
    read.reset();
    read.bind(1, submission.learner);
    read.bind(2, o.skill);
    const double before = read.executeStep() ? read.getColumn(0).getDouble() : o.params.prior;
    const double after = BktUpdate(before, o.correct, o.params);
    insert_evidence.reset();
    insert_evidence.bind(1, submission_id);
    insert_evidence.bind(2, o.skill);
    insert_evidence.bind(3, o.correct ? 1 : 0);
    insert_evidence.bind(4, o.source);
    insert_evidence.bind(5, before);
    insert_evidence.bind(6, after);
    insert_evidence.exec();
    upsert.reset();
    upsert.bind(1, submission.learner);
    upsert.bind(2, o.skill);
    upsert.bind(3, after);
    upsert.bind(4, o.correct ? 1 : 0);
    upsert.bind(5, submission_id);
    upsert.exec();
  }
}

base::StatusOr<std::vector<MasteryRecord>> Store::GetMastery(const std::string& learner) const {
  try {
    SQLite::Statement query(*database_,
                            "SELECT skill, p_mastery, observations, correct, last_submission_id, "
                            "updated_at FROM skill_mastery WHERE learner = ? ORDER BY skill");
    query.bind(1, learner);
    std::vector<MasteryRecord> out;
    while (query.executeStep()) {
      MasteryRecord m;
      m.skill = query.getColumn(0).getString();
      m.p_mastery = query.getColumn(1).getDouble();
      m.observations = query.getColumn(2).getInt64();
      m.correct = query.getColumn(3).getInt64();
      m.last_submission_id = query.getColumn(4).getInt64();
      m.updated_at = query.getColumn(5).getString();
      out.push_back(std::move(m));
    }
    return out;
  } catch (const std::exception& e) {
    return base::Status::Internal("reading mastery of learner '" + learner + "': " + e.what());
  }
}

base::StatusOr<std::vector<MisconceptionRecord>> Store::ListMisconceptions(
    const std::string& learner, int64_t limit) const {
  if (limit <= 0) {
    return base::Status::InvalidArgument("listing misconceptions: limit must be > 0, got " +
                                         std::to_string(limit));
  }
  try {
    SQLite::Statement query(
        *database_,
        "SELECT s.id, s.problem_id, t.name, d.misconception, d.skills, s.created_at "
        "FROM test_diagnoses d JOIN submissions s ON s.id = d.submission_id "
        "JOIN test_results t ON t.submission_id = d.submission_id AND t.position = d.position "
        "WHERE s.learner = ? AND d.misconception IS NOT NULL "
        "ORDER BY s.id DESC, d.position LIMIT ?");
    query.bind(1, learner);
    query.bind(2, limit);
    std::vector<MisconceptionRecord> out;
    while (query.executeStep()) {
      MisconceptionRecord m;
      m.submission_id = query.getColumn(0).getInt64();
      m.problem_id = query.getColumn(1).getString();
      m.test_name = query.getColumn(2).getString();
      m.misconception = query.getColumn(3).getString();
      m.skills = SplitSkills(query.getColumn(4).getString());
      m.created_at = query.getColumn(5).getString();
      out.push_back(std::move(m));
    }
    return out;
  } catch (const std::exception& e) {
    return base::Status::Internal("listing misconceptions of learner '" + learner +
                                  "': " + e.what());
  }
}

}  // namespace db
