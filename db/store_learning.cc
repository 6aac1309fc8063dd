// The learning side of the store: diagnoses, skill evidence and BKT mastery (migration 2).
#include <exception>
#include <map>
#include <stdexcept>

#include "db/store.h"
#include "db/store_internal.h"

namespace db {

void Store::InsertLearningRowsOrThrow(int64_t submission_id, const SubmissionRecord& submission) {
  Connection& database = *connection_;
  Statement insert_diagnosis(
      database,
      "INSERT INTO test_diagnoses (submission_id, position, misconception, pattern, skills, text) "
      "VALUES (?, ?, NULLIF(?, ''), NULLIF(?, ''), ?, ?)");
  for (size_t position = 0; position < submission.tests.size(); ++position) {
    const auto& diagnosis = submission.tests[position].diagnosis;
    if (!diagnosis) continue;
    insert_diagnosis.Reset();
    insert_diagnosis.Bind(1, submission_id);
    insert_diagnosis.Bind(2, static_cast<int64_t>(position));
    insert_diagnosis.Bind(3, diagnosis->misconception);
    insert_diagnosis.Bind(4, diagnosis->pattern);
    insert_diagnosis.Bind(5, JoinSkills(diagnosis->skills));
    insert_diagnosis.Bind(6, diagnosis->text);
    insert_diagnosis.Exec();
  }

  // Mastery under concurrency (docs/scale-out.md): each skill's row is created if missing
  // (at the prior, zero observations), then locked and read (FOR UPDATE on PostgreSQL; SQLite's
  // transaction holds the write lock), then updated. Two workers recording submissions of the
  // same learner at once therefore apply their observations one after the other: neither
  // update is lost. Skills are visited in sorted order so that two transactions lock the
  // learner's rows in the same order and cannot deadlock.
  const Dialect dialect = database.dialect();
  const std::string now = NowSql(dialect);
  Statement create(database,
                   "INSERT INTO skill_mastery (learner, skill, p_mastery, observations, correct, "
                   "last_submission_id, updated_at) VALUES (?, ?, ?, 0, 0, ?, " +
                       now + ") ON CONFLICT (learner, skill) DO NOTHING");
  Statement read(
      database, std::string("SELECT p_mastery FROM skill_mastery WHERE learner = ? AND skill = ?") +
                    ForUpdate(dialect));
  Statement insert_evidence(
      database,
      "INSERT INTO skill_evidence (submission_id, skill, correct, source, mastery_before, "
      "mastery_after) VALUES (?, ?, ?, ?, ?, ?)");
  Statement update(database,
                   "UPDATE skill_mastery SET p_mastery = ?, observations = observations + 1, "
                   "correct = correct + ?, last_submission_id = ?, updated_at = " +
                       now + " WHERE learner = ? AND skill = ?");
  std::map<std::string, const SkillObservation*> by_skill;
  for (const SkillObservation& o : submission.observations) {
    by_skill.emplace(o.skill, &o);  // one observation per skill per submission: the first
  }
  for (const auto& [skill, observation] : by_skill) {
    const SkillObservation& o = *observation;
    create.Reset();
    create.Bind(1, submission.learner);
    create.Bind(2, o.skill);
    create.Bind(3, o.params.prior);
    create.Bind(4, submission_id);
    create.Exec();
    read.Reset();
    read.Bind(1, submission.learner);
    read.Bind(2, o.skill);
    if (!read.Step()) throw std::runtime_error("mastery row of skill '" + o.skill + "' vanished");
    const double before = read.Column(0).Double();
    read.Reset();
    const double after = BktUpdate(before, o.correct, o.params);
    insert_evidence.Reset();
    insert_evidence.Bind(1, submission_id);
    insert_evidence.Bind(2, o.skill);
    insert_evidence.Bind(3, o.correct ? 1 : 0);
    insert_evidence.Bind(4, o.source);
    insert_evidence.Bind(5, before);
    insert_evidence.Bind(6, after);
    insert_evidence.Exec();
    update.Reset();
    update.Bind(1, after);
    update.Bind(2, o.correct ? 1 : 0);
    update.Bind(3, submission_id);
    update.Bind(4, submission.learner);
    update.Bind(5, o.skill);
    update.Exec();
  }
}

base::StatusOr<std::vector<MasteryRecord>> Store::GetMastery(const std::string& learner) const {
  try {
    Statement query(*connection_,
                    "SELECT skill, p_mastery, observations, correct, last_submission_id, "
                    "updated_at FROM skill_mastery WHERE learner = ? ORDER BY skill");
    query.Bind(1, learner);
    std::vector<MasteryRecord> out;
    while (query.Step()) {
      MasteryRecord m;
      m.skill = query.Column(0).Text();
      m.p_mastery = query.Column(1).Double();
      m.observations = query.Column(2).Int64();
      m.correct = query.Column(3).Int64();
      m.last_submission_id = query.Column(4).Int64();
      m.updated_at = query.Column(5).Text();
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
    Statement query(
        *connection_,
        "SELECT s.id, s.problem_id, t.name, d.misconception, d.skills, s.created_at "
        "FROM test_diagnoses d JOIN submissions s ON s.id = d.submission_id "
        "JOIN test_results t ON t.submission_id = d.submission_id AND t.position = d.position "
        "WHERE s.learner = ? AND d.misconception IS NOT NULL "
        "ORDER BY s.id DESC, d.position LIMIT ?");
    query.Bind(1, learner);
    query.Bind(2, limit);
    std::vector<MisconceptionRecord> out;
    while (query.Step()) {
      MisconceptionRecord m;
      m.submission_id = query.Column(0).Int64();
      m.problem_id = query.Column(1).Text();
      m.test_name = query.Column(2).Text();
      m.misconception = query.Column(3).Text();
      m.skills = SplitSkills(query.Column(4).Text());
      m.created_at = query.Column(5).Text();
      out.push_back(std::move(m));
    }
    return out;
  } catch (const std::exception& e) {
    return base::Status::Internal("listing misconceptions of learner '" + learner +
                                  "': " + e.what());
  }
}

}  // namespace db
