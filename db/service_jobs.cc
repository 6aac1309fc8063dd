#include "db/service_jobs.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>
#include <time.h>

#include <stdexcept>

namespace db {
namespace {

constexpr const char* kJobColumns =
    "id, webhook_id, problem_id, learner, source, callback_url, lti, metadata, status, "
    "lease_owner, lease_expires_ms, attempts, submission_id, error, grading_ms, created_at, "
    "finished_at";

void BindOptional(Statement& statement, int index, const std::optional<std::string>& v) {
  if (v) {
    statement.Bind(index, *v);
  } else {
    statement.BindNull(index);
  }
}

std::optional<std::string> OptionalText(const Cell& column) {
  if (column.IsNull()) return std::nullopt;
  return column.Text();
}

JobRecord ReadJob(Statement& q) {
  JobRecord job;
  job.id = q.Column(0).Int64();
  job.request.webhook_id = q.Column(1).Text();
  job.request.problem_id = q.Column(2).Text();
  job.request.learner = q.Column(3).Text();
  job.request.source = q.Column(4).Text();
  job.request.callback_url = OptionalText(q.Column(5));
  job.request.lti = OptionalText(q.Column(6));
  job.request.metadata = OptionalText(q.Column(7));
  job.status = q.Column(8).Text();
  job.lease_owner = q.Column(9).Text();
  job.lease_expires_ms = q.Column(10).Int64();
  job.attempts = q.Column(11).Int64();
  if (!q.Column(12).IsNull()) job.submission_id = q.Column(12).Int64();
  job.error = q.Column(13).Text();
  if (!q.Column(14).IsNull()) job.grading_ms = q.Column(14).Int64();
  job.created_at = q.Column(15).Text();
  job.finished_at = q.Column(16).Text();
  return job;
}

std::optional<JobRecord> GetJobOrThrow(Connection& database, int64_t id) {
  Statement q(database, std::string("SELECT ") + kJobColumns + " FROM service_jobs WHERE id = ?");
  q.Bind(1, id);
  if (!q.Step()) return std::nullopt;
  return ReadJob(q);
}

std::optional<int64_t> FindByWebhookIdOrThrow(Connection& database, const std::string& id) {
  Statement q(database, "SELECT id FROM service_jobs WHERE webhook_id = ?");
  q.Bind(1, id);
  if (!q.Step()) return std::nullopt;
  return q.Column(0).Int64();
}

void InsertOutboxOrThrow(Connection& database, int64_t job_id, const std::vector<OutboxRow>& rows,
                         int64_t now_ms) {
  for (OutboxRow row : rows) {
    row.job_id = job_id;
    row.status = "pending";
    row.attempts = 0;
    row.next_attempt_ms = now_ms;
    InsertOutboxRowOrThrow(database, row);
  }
}

// Updates the job to its final state while `owner` holds it; throws when it does not.
void FinishRowOrThrow(Connection& database, const JobFinish& finish, const std::string& status,
                      std::optional<int64_t> submission_id, const std::string& error) {
  Statement update(database,
                   std::string("UPDATE service_jobs SET status = ?, submission_id = ?, error = ?, "
                               "grading_ms = ?, finished_at = ") +
                       NowSql(database.dialect()) +
                       ", lease_owner = NULL, lease_expires_ms = NULL "
                       "WHERE id = ? AND lease_owner = ? AND status = 'running'");
  update.Bind(1, status);
  if (submission_id) {
    update.Bind(2, *submission_id);
  } else {
    update.BindNull(2);
  }
  update.Bind(3, error);
  update.Bind(4, finish.grading_ms);
  update.Bind(5, finish.job_id);
  update.Bind(6, finish.owner);
  if (update.Exec() != 1) {
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
  if (store.dialect() != Dialect::kSqlite) return;  // PostgreSQL waits on row locks, not busy
  sqlite3_busy_handler(store.database().getHandle(), ShortBusyWait, nullptr);
}

base::StatusOr<std::vector<EnqueueResult>> EnqueueJobs(Store& store,
                                                       const std::vector<NewJob>& jobs,
                                                       int64_t max_queue) {
  std::vector<EnqueueResult> results;
  try {
    Connection& database = store.connection();
    Transaction transaction(database);
    Statement count(database, "SELECT COUNT(*) FROM service_jobs WHERE status = 'queued'");
    count.Step();
    int64_t queued = count.Column(0).Int64();
    Statement insert(
        database, std::string("INSERT INTO service_jobs (webhook_id, problem_id, learner, source, "
                              "callback_url, lti, metadata, status, created_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ") +
                      NowSql(database.dialect()) +
                      ") ON CONFLICT (webhook_id) DO NOTHING RETURNING id");
    for (const NewJob& job : jobs) {
      if (auto existing = FindByWebhookIdOrThrow(database, job.webhook_id)) {
        results.push_back({EnqueueResult::Kind::kDuplicate, *existing});
        continue;
      }
      if (queued >= max_queue) {
        results.push_back({EnqueueResult::Kind::kFull, 0});
        continue;
      }
      insert.Reset();
      insert.ClearBindings();
      insert.Bind(1, job.webhook_id);
      insert.Bind(2, job.problem_id);
      insert.Bind(3, job.learner);
      insert.Bind(4, job.source);
      BindOptional(insert, 5, job.callback_url);
      BindOptional(insert, 6, job.lti);
      BindOptional(insert, 7, job.metadata);
      // Another intake server (PostgreSQL) may have committed the same webhook id since the
      // lookup above: the unique constraint decides, and the insert returns no row.
      if (!insert.Step()) {
        insert.Reset();
        const auto winner = FindByWebhookIdOrThrow(database, job.webhook_id);
        if (!winner) throw std::runtime_error("webhook id " + job.webhook_id + " vanished");
        results.push_back({EnqueueResult::Kind::kDuplicate, *winner});
        continue;
      }
      results.push_back({EnqueueResult::Kind::kQueued, insert.Column(0).Int64()});
      insert.Reset();
      ++queued;
    }
    transaction.Commit();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("queueing submissions: ") + e.what());
  }
  return results;
}

base::StatusOr<std::optional<int64_t>> FindJobByWebhookId(Store& store,
                                                          const std::string& webhook_id) {
  try {
    return FindByWebhookIdOrThrow(store.connection(), webhook_id);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading a job: ") + e.what());
  }
}

base::StatusOr<std::optional<JobRecord>> GetJob(Store& store, int64_t id) {
  try {
    return GetJobOrThrow(store.connection(), id);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading job ") + std::to_string(id) + ": " +
                                  e.what());
  }
}

base::StatusOr<std::optional<JobRecord>> LeaseJob(Store& store, const std::string& owner,
                                                  int64_t lease_ms, int64_t max_attempts,
                                                  int64_t now_ms, const GiveUpOutbox& give_up) {
  try {
    Connection& database = store.connection();
    Transaction transaction(database);
    // Two indexed lookups rather than one OR: the oldest queued job, and the oldest expired one.
    // On PostgreSQL each row is locked as it is read, skipping rows another taker holds, so
    // competing workers (on any host) take disjoint jobs without waiting for each other.
    const std::string skip_locked = ForUpdateSkipLocked(database.dialect());
    Statement queued(database,
                     "SELECT id, attempts FROM service_jobs WHERE status = 'queued' "
                     "ORDER BY id LIMIT 1" +
                         skip_locked);
    Statement expired(database,
                      "SELECT id, attempts FROM service_jobs WHERE status = 'running' "
                      "AND lease_expires_ms < ? ORDER BY id LIMIT 1" +
                          skip_locked);
    for (;;) {
      std::optional<std::pair<int64_t, int64_t>> pick;  // id, attempts
      queued.Reset();
      if (queued.Step()) pick = {queued.Column(0).Int64(), queued.Column(1).Int64()};
      expired.Reset();
      expired.Bind(1, now_ms);
      if (expired.Step()) {
        const int64_t id = expired.Column(0).Int64();
        if (!pick || id < pick->first) pick = {id, expired.Column(1).Int64()};
      }
      if (!pick) {
        transaction.Commit();  // the jobs given up below stay given up
        return std::optional<JobRecord>();
      }
      if (pick->second >= max_attempts) {
        Statement abandon(database,
                          std::string("UPDATE service_jobs SET status = 'internal_error', error = "
                                      "'worker died ' || attempts || ' times', lease_owner = NULL, "
                                      "lease_expires_ms = NULL, finished_at = ") +
                              NowSql(database.dialect()) + " WHERE id = ?");
        abandon.Bind(1, pick->first);
        abandon.Exec();
        if (give_up) {
          InsertOutboxOrThrow(database, pick->first, give_up(*GetJobOrThrow(database, pick->first)),
                              now_ms);
        }
        continue;
      }
      Statement lease(database,
                      "UPDATE service_jobs SET status = 'running', lease_owner = ?, "
                      "lease_expires_ms = ?, attempts = attempts + 1 WHERE id = ?");
      lease.Bind(1, owner);
      lease.Bind(2, now_ms + lease_ms);
      lease.Bind(3, pick->first);
      lease.Exec();
      auto job = GetJobOrThrow(database, pick->first);
      transaction.Commit();
      return job;
    }
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("leasing a job: ") + e.what());
  }
}

base::StatusOr<bool> RenewLease(Store& store, int64_t job_id, const std::string& owner,
                                int64_t lease_ms, int64_t now_ms) {
  try {
    Statement renew(store.connection(),
                    "UPDATE service_jobs SET lease_expires_ms = ? "
                    "WHERE id = ? AND lease_owner = ? AND status = 'running'");
    renew.Bind(1, now_ms + lease_ms);
    renew.Bind(2, job_id);
    renew.Bind(3, owner);
    return renew.Exec() == 1;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("renewing a lease: ") + e.what());
  }
}

base::StatusOr<bool> ReleaseLease(Store& store, int64_t job_id, const std::string& owner) {
  try {
    Statement release(
        store.connection(),
        "UPDATE service_jobs SET status = 'queued', lease_owner = NULL, lease_expires_ms = NULL, "
        "attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END WHERE id = ? AND "
        "lease_owner = ? AND status = 'running'");
    release.Bind(1, job_id);
    release.Bind(2, owner);
    return release.Exec() == 1;
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("releasing a lease: ") + e.what());
  }
}

base::StatusOr<int64_t> ResetLeases(Store& store) {
  try {
    Statement reset(store.connection(),
                    "UPDATE service_jobs SET status = 'queued', lease_owner = NULL, "
                    "lease_expires_ms = NULL WHERE status = 'running'");
    return reset.Exec();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("resetting leases: ") + e.what());
  }
}

base::StatusOr<std::map<std::string, int64_t>> CountByStatus(Store& store) {
  std::map<std::string, int64_t> counts = {
      {"queued", 0}, {"running", 0}, {"graded", 0}, {"compile_error", 0}, {"internal_error", 0}};
  try {
    Statement q(store.connection(), "SELECT status, COUNT(*) FROM service_jobs GROUP BY status");
    while (q.Step()) counts[q.Column(0).Text()] = q.Column(1).Int64();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("counting jobs: ") + e.what());
  }
  return counts;
}

void FinishJobOrThrow(Connection& database, const JobFinish& finish, int64_t submission_id) {
  Statement q(database, "SELECT status, score, max_score FROM submissions WHERE id = ?");
  q.Bind(1, submission_id);
  if (!q.Step()) {
    throw std::runtime_error("submission " + std::to_string(submission_id) + " not found");
  }
  const FinishedSubmission done{q.Column(0).Text(), q.Column(1).Double(), q.Column(2).Double()};
  FinishRowOrThrow(database, finish, done.status, submission_id, "");
  if (finish.outbox)
    InsertOutboxOrThrow(database, finish.job_id, finish.outbox(done), finish.now_ms);
}

base::Status FinishJobWithError(Store& store, const JobFinish& finish, const std::string& error,
                                double max_score) {
  try {
    Connection& database = store.connection();
    Transaction transaction(database);
    FinishRowOrThrow(database, finish, "internal_error", std::nullopt, error);
    if (finish.outbox) {
      InsertOutboxOrThrow(database, finish.job_id, finish.outbox({"internal_error", 0, max_score}),
                          finish.now_ms);
    }
    transaction.Commit();
  } catch (const std::runtime_error& e) {
    return base::Status::Unavailable(e.what());
  }
  return base::Status::Ok();
}

base::StatusOr<DurationHistogram> GradingHistogram(Store& store,
                                                   const std::vector<int64_t>& bounds_ms) {
  DurationHistogram histogram;
  try {
    Connection& database = store.connection();
    Statement totals(database,
                     "SELECT COUNT(*), COALESCE(SUM(grading_ms), 0) FROM service_jobs "
                     "WHERE grading_ms IS NOT NULL");
    totals.Step();
    histogram.count = totals.Column(0).Int64();
    histogram.sum_ms = totals.Column(1).Int64();
    Statement below(database,
                    "SELECT COUNT(*) FROM service_jobs WHERE grading_ms IS NOT NULL "
                    "AND grading_ms <= ?");
    for (int64_t bound : bounds_ms) {
      below.Reset();
      below.Bind(1, bound);
      below.Step();
      histogram.cumulative.push_back(below.Column(0).Int64());
    }
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading grading times: ") + e.what());
  }
  return histogram;
}

base::StatusOr<int64_t> CountDeadLetters(Store& store) {
  try {
    Statement q(store.connection(), "SELECT COUNT(*) FROM outbox WHERE status = 'dead'");
    q.Step();
    return q.Column(0).Int64();
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("counting dead letters: ") + e.what());
  }
}

base::Status CheckWritable(Store& store) {
  try {
    // Begun and, at the end of the scope, rolled back: nothing is written.
    Transaction transaction(store.connection());
  } catch (const std::exception& e) {
    return base::Status::Unavailable(std::string("database not writable: ") + e.what());
  }
  return base::Status::Ok();
}

}  // namespace db
