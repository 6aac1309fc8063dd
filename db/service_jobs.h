// db: the service's durable queue (table service_jobs, migration 4; docs/service.md).
//
// A job is one accepted POST /v1/submissions, keyed by its webhook-id (UNIQUE: idempotency
// survives restarts). Its life: queued -> running (leased by one worker until
// lease_expires_ms, renewed by a heartbeat) -> graded | compile_error | internal_error.
// A lease that expires (its worker died) lets another worker take the job again; a job leased
// max_attempts times without finishing becomes internal_error ("worker died N times").
// FinishJobOrThrow records the end only while the caller still holds the lease, inside the
// submission's own transaction, so a job has exactly one final result even when two workers
// graded it.
//
// Times are unix milliseconds passed in by the caller (tests move the clock). Every function
// takes the caller's Store (not thread-safe: one per thread) and returns errors as values,
// except FinishJobOrThrow, which runs inside RecordSubmission's transaction and throws.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/outbox.h"
#include "db/store.h"

namespace db {

struct NewJob {
  std::string webhook_id;
  std::string problem_id;
  std::string learner;
  std::string source;
  std::optional<std::string> callback_url;
  std::optional<std::string> lti;       // the request's "lti" object, as JSON text
  std::optional<std::string> metadata;  // the request's "metadata", as JSON text
};

struct EnqueueResult {
  enum class Kind { kQueued, kDuplicate, kFull };
  Kind kind = Kind::kQueued;
  int64_t job_id = 0;  // kQueued: the new job; kDuplicate: the job first queued with this id
};

// All of `jobs` in ONE immediate transaction (group commit): a webhook_id already present
// (in the table or earlier in `jobs`) gives kDuplicate with the original job id and writes
// nothing; a new one while `max_queue` jobs are queued gives kFull. Results in input order.
base::StatusOr<std::vector<EnqueueResult>> EnqueueJobs(Store& store,
                                                       const std::vector<NewJob>& jobs,
                                                       int64_t max_queue);

struct JobRecord {
  int64_t id = 0;
  NewJob request;
  std::string status;  // queued | running | graded | compile_error | internal_error
  std::string lease_owner;
  int64_t lease_expires_ms = 0;
  int64_t attempts = 0;
  std::optional<int64_t> submission_id;
  std::string error;
  std::optional<int64_t> grading_ms;
  std::string created_at;
  std::string finished_at;
};

// The job with the webhook id, if any (a duplicate's original).
base::StatusOr<std::optional<int64_t>> FindJobByWebhookId(Store& store,
                                                          const std::string& webhook_id);
base::StatusOr<std::optional<JobRecord>> GetJob(Store& store, int64_t id);

// Outbox rows are db/outbox.h's OutboxRow (format in docs/service.md, service/job_outbox.h): a
// job's rows are written with its final state; their job_id and due time are set then.
// The outbox rows of a job given up (its workers died max_attempts times).
using GiveUpOutbox = std::function<std::vector<OutboxRow>(const JobRecord& job)>;

// In one immediate transaction: the oldest due job (queued, or running with an expired lease)
// is leased to `owner` until now + lease_ms, its attempts + 1. A due job already leased
// max_attempts times is given up instead (internal_error, "worker died N times", with the
// rows of `give_up`, if given) and the next one is tried. nullopt: none due.
base::StatusOr<std::optional<JobRecord>> LeaseJob(Store& store, const std::string& owner,
                                                  int64_t lease_ms, int64_t max_attempts,
                                                  int64_t now_ms,
                                                  const GiveUpOutbox& give_up = nullptr);
// Extends the lease; false when `owner` no longer holds it (taken over, or finished).
base::StatusOr<bool> RenewLease(Store& store, int64_t job_id, const std::string& owner,
                                int64_t lease_ms, int64_t now_ms);
// Hands a held job back to the queue (a graceful stop): queued, owner cleared, the attempt
// not counted. False when `owner` did not hold it.
base::StatusOr<bool> ReleaseLease(Store& store, int64_t job_id, const std::string& owner);
// At service start: every running job back to queued, owner cleared (the workers of the
// previous service are gone; a straggler still grading loses its lease). Returns how many.
base::StatusOr<int64_t> ResetLeases(Store& store);

// Jobs by status (every status present; zero counts included).
base::StatusOr<std::map<std::string, int64_t>> CountByStatus(Store& store);

// The finished submission's summary, read inside the transaction to build the outbox rows.
struct FinishedSubmission {
  std::string status;  // graded | compile_error | internal_error
  double score = 0;
  double max_score = 0;
};

struct JobFinish {
  int64_t job_id = 0;
  std::string owner;  // must still hold the lease
  int64_t grading_ms = 0;
  int64_t now_ms = 0;  // next_attempt_ms of the outbox rows
  // Builds the outbox rows from the recorded result (may return none).
  std::function<std::vector<OutboxRow>(const FinishedSubmission&)> outbox;
};

// For RecordLinks.in_transaction: the job takes the submission's status, its id, grading_ms and
// finished_at, WHERE the job is running under `finish.owner`; then the outbox rows are inserted.
// Throws std::runtime_error unless exactly one job row changed (the lease was lost: the whole
// submission is rolled back, so only the lease holder's result is recorded).
void FinishJobOrThrow(Connection& database, const JobFinish& finish, int64_t submission_id);
// The same without a submission (the engine returned an error): status internal_error with
// `error`, the outbox rows built from {internal_error, 0, max_score}. kUnavailable when the lease
// was lost.
base::Status FinishJobWithError(Store& store, const JobFinish& finish, const std::string& error,
                                double max_score);

// Metrics: finished jobs' grading_ms counted per upper bound (cumulative, as Prometheus
// buckets), their sum and count; outbox rows with status 'dead'.
struct DurationHistogram {
  std::vector<int64_t> cumulative;  // one per bound
  int64_t count = 0;
  int64_t sum_ms = 0;
};
base::StatusOr<DurationHistogram> GradingHistogram(Store& store,
                                                   const std::vector<int64_t>& bounds_ms);
base::StatusOr<int64_t> CountDeadLetters(Store& store);
// For the intake writer: while another connection holds the write lock, retry every 0.5 ms
// (up to the store's 5 s) instead of SQLite's default backoff, whose sleeps grow to 100 ms
// and would add them to an intake's latency.
void UseShortBusyWaits(Store& store);

// Ok when a write transaction can be begun (then rolled back).
base::Status CheckWritable(Store& store);

}  // namespace db
