#include "db/service_jobs.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <time.h>

#include <stdexcept>

namespace db {
namespace {

constexpr const char* kNow = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
constexpr const char* kJobColumns =
    "id, webhook_id, problem_id, learner, source, callback_url, lti, metadata, status, "
    "lease_owner, lease_expires_ms, attempts, submission_id, error, grading_ms, created_at, "
    "finished_at";

void BindOptional(SQLite::Statement& statement, int index, const std::optional<std::string>& v) {
  if (v) {
    statement.bind(index, *v);
  } else {
    statement.bind(index);
  }
}

std::optional<std::string> OptionalText(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return column.getString();
}

JobRecord ReadJob(SQLite::Statement& q) {
  JobRecord job;
  job.id = q.getColumn(0).getInt64();
  job.request.webhook_id = q.getColumn(1).getString();
  job.request.problem_id = q.getColumn(2).getString();
  job.request.learner = q.getColumn(3).getString();
  job.request.source = q.getColumn(4).getString();
  job.request.callback_url = OptionalText(q.getColumn(5));
  job.request.lti = OptionalText(q.getColumn(6));
  job.request.metadata = OptionalText(q.getColumn(7));
  job.status = q.getColumn(8).getString();
  job.lease_owner = q.getColumn(9).getString();
  job.lease_expires_ms = q.getColumn(10).getInt64();
  job.attempts = q.getColumn(11).getInt64();
  if (!q.getColumn(12).isNull()) job.submission_id = q.getColumn(12).getInt64();
  job.error = q.getColumn(13).getString();
  if (!q.getColumn(14).isNull()) job.grading_ms = q.getColumn(14).getInt64();
  job.created_at = q.getColumn(15).getString();
  job.finished_at = q.getColumn(16).getString();
  return job;
}

std::optional<JobRecord> GetJobOrThrow(SQLite::Database& database, int64_t id) {
  SQLite::Statement q(database,
                      std::string("SELECT ") + kJobColumns + " FROM service_jobs WHERE id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return ReadJob(q);
}

std::optional<int64_t> FindByWebhookIdOrThrow(SQLite::Database& database, const std::string& id) {
  SQLite::Statement q(database, "SELECT id FROM service_jobs WHERE webhook_id = ?");
  q.bind(1, id);
  if (!q.executeStep()) return std::nullopt;
  return q.getColumn(0).getInt64();
}

void InsertOutboxOrThrow(SQLite::Database& database, int64_t job_id,
                         const std::vector<OutboxRow>& rows, int64_t now_ms) {
  for (OutboxRow row : rows) {
    row.job_id = job_id;
    row.status = "pending";
    row.attempts = 0;
    row.next_attempt_ms = now_ms;
    InsertOutboxRowOrThrow(database, row);
  }
}

// Updates the job to its final state while `owner` holds it; throws when it does not.
void FinishRowOrThrow(SQLite::Database& database, const JobFinish& finish,
                      const std::string& status, std::optional<int64_t> submission_id,
                      const std::string& error) {
  SQLite::Statement update(
      database, std::string("UPDATE service_jobs SET status = ?, submission_id = ?, error = ?, "
                            "grading_ms = ?, finished_at = ") +
                    kNow +
                    ", lease_owner = NULL, lease_expires_ms = NULL "
                    "WHERE id = ? AND lease_owner = ? AND status = 'running'");
  update.bind(1, status);
  if (submission_id) {
    update.bind(2, *submission_id);
  } else {
    update.bind(2);
  }
  update.bind(3, error);
  update.bind(4, finish.grading_ms);
  update.bind(5, finish.job_id);
  update.bind(6, finish.owner);
  if (update.exec() != 1) {
    throw std::runtime_error("job " + std::to_string(finish.job_id) + ": lease lost (owner " +
                             finish.owner + ")");
  }
}

// sqlite3_busy_handler callback: `count` is how many times it was called for this lock.
int ShortBusyWait(void*, int count) {
  constexpr int kMaxWaits = 10000;  // x 0.5 ms = 5 s, the store's busy timeout
  if (count >= kMaxWaits) return 0;
  struct timespec pause {
    0, 500000
  };
  nanosleep(&pause, nullptr);
  return 1;
}

}  // namespace

void UseShortBusyWaits(Store& store) {
  sqlite3_busy_handler(store.database().getHandle(), ShortBusyWait, nullptr);
}

base::StatusOr<std::vector<EnqueueResult>> EnqueueJobs(Store& store,
                                                       const std::vector<NewJob>& jobs,
                                                       int64_t max_queue) {
  std::vector<EnqueueResult> results;
  try {
    SQLite::Database& database = store.database();
    SQLite::Transaction transaction(database, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement count(database, "SELECT COUNT(*) FROM service_jobs WHERE status = 'queued'");
    count.executeStep();
    int64_t queued = count.getColumn(0).getInt64();
    SQLite::Statement insert(
        database, std::string("INSERT INTO service_jobs (webhook_id, problem_id, learner, source, "
                              "callback_url, lti, metadata, status, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ") +
                      kNow + ")");
    for (const NewJob& job : jobs) {
      if (auto existing = FindByWebhookIdOrThrow(database, job.webhook_id)) {
        results.push_back({EnqueueResult::Kind::kDuplicate, *existing});
        continue;
      }
      if (queued >= max_queue) {
        results.push_back({EnqueueResult::Kind::kFull, 0});
        continue;
      }
      insert.reset();
      insert.clearBindings();
      insert.bind(1, job.webhook_id);
      insert.bind(2, job.problem_id);
      insert.bind(3, job.learner);
      insert.bind(4, job.source);
      BindOptional(insert, 5, job.callback_url);
      BindOptional(insert, 6, job.lti);
      BindOptional(insert, 7, job.metadata);
      insert.exec();
      results.push_back({EnqueueResult::Kind::kQueued, database.getLastInsertRowid()});
      ++queued;
    }
    transaction.commit();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("queueing submissions: ") + e.what());
  }
  return results;
}

base::StatusOr<std::optional<int64_t>> FindJobByWebhookId(Store& store,
                                                          const std::string& webhook_id) {
  try {
    return FindByWebhookIdOrThrow(store.database(), webhook_id);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading a job: ") + e.what());
  }
}

base::StatusOr<std::optional<JobRecord>> GetJob(Store& store, int64_t id) {
  try {
    return GetJobOrThrow(store.database(), id);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading job ") + std::to_string(id) + ": " +
                                  e.what());
  }
}

base::StatusOr<std::optional<JobRecord>> LeaseJob(Store& store, const std::string& owner,
                                                  int64_t lease_ms, int64_t max_attempts,
                                                  int64_t now_ms, const GiveUpOutbox& give_up) {
  try {
    SQLite::Database& database = store.database();
    SQLite::Transaction transaction(database, SQLite::TransactionBehavior::IMMEDIATE);
    // Two indexed lookups rather than one OR: the oldest queued job, and the oldest expired one.
    SQLite::Statement queued(database,
                             "SELECT id, attempts FROM service_jobs WHERE status = 'queued' "
                             "ORDER BY id LIMIT 1");
    SQLite::Statement expired(database,
                              "SELECT id, attempts FROM service_jobs WHERE status = 'running' "
                              "AND lease_expires_ms < ? ORDER BY id LIMIT 1");
    for (;;) {
      std::optional<std::pair<int64_t, int64_t>> pick;  // id, attempts
      queued.reset();
      if (queued.executeStep())
        pick = {queued.getColumn(0).getInt64(), queued.getColumn(1).getInt64()};
      expired.reset();
      expired.bind(1, now_ms);
      if (expired.executeStep()) {
        const int64_t id = expired.getColumn(0).getInt64();
        if (!pick || id < pick->first) pick = {id, expired.getColumn(1).getInt64()};
      }
      if (!pick) {
        transaction.commit();  // the jobs given up below stay given up
        return std::optional<JobRecord>();
      }
      if (pick->second >= max_attempts) {
        SQLite::Statement abandon(
            database, std::string("UPDATE service_jobs SET status = 'internal_error', error = "
                                  "'worker died ' || attempts || ' times', lease_owner = NULL, "
                                  "lease_expires_ms = NULL, finished_at = ") +
                          kNow + " WHERE id = ?");
        abandon.bind(1, pick->first);
        abandon.exec();
        if (give_up) {
          InsertOutboxOrThrow(database, pick->first, give_up(*GetJobOrThrow(database, pick->first)),
                              now_ms);
        }
        continue;
      }
      SQLite::Statement lease(database,
                              "UPDATE service_jobs SET status = 'running', lease_owner = ?, "
                              "lease_expires_ms = ?, attempts = attempts + 1 WHERE id = ?");
      lease.bind(1, owner);
      lease.bind(2, now_ms + lease_ms);
      lease.bind(3, pick->first);
      lease.exec();
      auto job = GetJobOrThrow(database, pick->first);
      transaction.commit();
      return job;
    }
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("leasing a job: ") + e.what());
  }
}

base::StatusOr<bool> RenewLease(Store& store, int64_t job_id, const std::string& owner,
                                int64_t lease_ms, int64_t now_ms) {
  try {
    SQLite::Statement renew(store.database(),
                            "UPDATE service_jobs SET lease_expires_ms = ? "
                            "WHERE id = ? AND lease_owner = ? AND status = 'running'");
    renew.bind(1, now_ms + lease_ms);
    renew.bind(2, job_id);
    renew.bind(3, owner);
    return renew.exec() == 1;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("renewing a lease: ") + e.what());
  }
}

base::StatusOr<bool> ReleaseLease(Store& store, int64_t job_id, const std::string& owner) {
  try {
    SQLite::Statement release(
        store.database(),
        "UPDATE service_jobs SET status = 'queued', lease_owner = NULL, lease_expires_ms = NULL, "
        "attempts = MAX(attempts - 1, 0) WHERE id = ? AND lease_owner = ? AND status = 'running'");
    release.bind(1, job_id);
    release.bind(2, owner);
    return release.exec() == 1;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("releasing a lease: ") + e.what());
  }
}

base::StatusOr<int64_t> ResetLeases(Store& store) {
  try {
    return store.database().exec(
        "UPDATE service_jobs SET status = 'queued', lease_owner = NULL, lease_expires_ms = NULL "
        "WHERE status = 'running'");
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("resetting leases: ") + e.what());
  }
}

base::StatusOr<std::map<std::string, int64_t>> CountByStatus(Store& store) {
  std::map<std::string, int64_t> counts = {
      {"queued", 0}, {"running", 0}, {"graded", 0}, {"compile_error", 0}, {"internal_error", 0}};
  try {
    SQLite::Statement q(store.database(),
                        "SELECT status, COUNT(*) FROM service_jobs GROUP BY status");
    while (q.executeStep()) counts[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("counting jobs: ") + e.what());
  }
  return counts;
}

void FinishJobOrThrow(SQLite::Database& database, const JobFinish& finish, int64_t submission_id) {
  SQLite::Statement q(database, "SELECT status, score, max_score FROM submissions WHERE id = ?");
  q.bind(1, submission_id);
  if (!q.executeStep()) {
    throw std::runtime_error("submission " + std::to_string(submission_id) + " not found");
  }
  const FinishedSubmission done{q.getColumn(0).getString(), q.getColumn(1).getDouble(),
                                q.getColumn(2).getDouble()};
  FinishRowOrThrow(database, finish, done.status, submission_id, "");
  if (finish.outbox)
    InsertOutboxOrThrow(database, finish.job_id, finish.outbox(done), finish.now_ms);
}

base::Status FinishJobWithError(Store& store, const JobFinish& finish, const std::string& error,
                                double max_score) {
  try {
    SQLite::Database& database = store.database();
    SQLite::Transaction transaction(database, SQLite::TransactionBehavior::IMMEDIATE);
    FinishRowOrThrow(database, finish, "internal_error", std::nullopt, error);
    if (finish.outbox) {
      InsertOutboxOrThrow(database, finish.job_id, finish.outbox({"internal_error", 0, max_score}),
                          finish.now_ms);
    }
    transaction.commit();
  } catch (const std::runtime_error& e) {
    return base::Status::Unavailable(e.what());
  }
  return base::Status::Ok();
}

base::StatusOr<DurationHistogram> GradingHistogram(Store& store,
                                                   const std::vector<int64_t>& bounds_ms) {
  DurationHistogram histogram;
  try {
    SQLite::Database& database = store.database();
    SQLite::Statement totals(database,
                             "SELECT COUNT(*), COALESCE(SUM(grading_ms), 0) FROM service_jobs "
                             "WHERE grading_ms IS NOT NULL");
    totals.executeStep();
    histogram.count = totals.getColumn(0).getInt64();
    histogram.sum_ms = totals.getColumn(1).getInt64();
    SQLite::Statement below(database,
                            "SELECT COUNT(*) FROM service_jobs WHERE grading_ms IS NOT NULL "
                            "AND grading_ms <= ?");
    for (int64_t bound : bounds_ms) {
      below.reset();
      below.bind(1, bound);
      below.executeStep();
      histogram.cumulative.push_back(below.getColumn(0).getInt64());
    }
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading grading times: ") + e.what());
  }
  return histogram;
}

base::StatusOr<int64_t> CountDeadLetters(Store& store) {
  try {
    SQLite::Statement q(store.database(), "SELECT COUNT(*) FROM outbox WHERE status = 'dead'");
    q.executeStep();
    return q.getColumn(0).getInt64();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("counting dead letters: ") + e.what());
  }
}

base::Status CheckWritable(Store& store) {
  try {
    // Begun and, at the end of the scope, rolled back: nothing is written.
    SQLite::Transaction transaction(store.database(), SQLite::TransactionBehavior::IMMEDIATE);
  } catch (const std::exception& e) {
    return base::Status::Unavailable(std::string("database not writable: ") + e.what());
  }
  return base::Status::Ok();
}

}  // namespace db
