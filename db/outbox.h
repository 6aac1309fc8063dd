// db: the service's outbox (docs/service-outbox.md): one row per requested delivery of a
// finished job, a callback or an LTI score, written in the job's finishing transaction and
// delivered later by the dispatcher (service/outbox.h) with retries.
//
// A row is 'pending' until it is 'delivered' or 'dead' (a dead letter: refused, or out of
// attempts). `grader outbox retry` makes a row pending again. The functions take the connection
// of a db::Store (Store::connection()); like the Store they are not thread-safe: one connection per
// thread. Errors are kInternal naming the row, except where a function says otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/connection.h"

namespace db {

struct OutboxRow {
  int64_t id = 0;                  // assigned on insert
  int64_t job_id = 0;              // service_jobs.id
  std::string kind;                // "callback" | "lti_score"
  std::string target;              // callback_url, or the LTI lineitem URL
  std::string platform;            // the LTI issuer; empty for a callback (stored as NULL)
  std::string payload;             // the exact body to POST
  std::string delivery_id;         // "msg_" + 32 hex: the callback's webhook-id on every attempt
  std::string status = "pending";  // "pending" | "delivered" | "dead"
  int64_t attempts = 0;            // attempts made so far
  int64_t next_attempt_ms = 0;     // unix ms; due when <= now
  std::string last_error;          // why the last attempt failed; "" when none did
  std::string created_at;          // ISO 8601 UTC; set to now when empty
  std::string finished_at;         // set when delivered or dead
};

// Inserts `row` (its id ignored) on `database`, inside whatever transaction the caller holds
// (e.g. RecordLinks::in_transaction); returns the new id. Throws (SQLite::Exception,
// pqxx::sql_error) when a constraint breaks: an unknown job_id, a second row of the same (job_id,
// kind), a repeated delivery_id, a kind or status outside the lists above.
int64_t InsertOutboxRowOrThrow(Connection& database, const OutboxRow& row);

// The pending rows due at `now_ms` (next_attempt_ms <= now_ms), the longest due first, at most
// `limit`. REQUIRES: limit > 0.
base::StatusOr<std::vector<OutboxRow>> ListDueOutbox(Connection& database, int64_t now_ms,
                                                     int64_t limit);

// Takes a due row for one delivery attempt: moves its next_attempt_ms from `due_ms` (as listed)
// to `lease_until_ms`, so that no other dispatcher picks it up meanwhile (if this one dies, the
// row comes due again then). False when another dispatcher took it first or it changed.
base::StatusOr<bool> ClaimOutboxRow(Connection& database, int64_t id, int64_t due_ms,
                                    int64_t lease_until_ms);

// The outcomes of an attempt; `attempts` is the count including this attempt.
base::Status MarkOutboxDelivered(Connection& database, int64_t id, int64_t attempts);
base::Status MarkOutboxRetry(Connection& database, int64_t id, int64_t attempts,
                             int64_t next_attempt_ms, const std::string& last_error);
base::Status MarkOutboxDead(Connection& database, int64_t id, int64_t attempts,
                            const std::string& last_error);

// Every row (or only the dead ones), by id.
base::StatusOr<std::vector<OutboxRow>> ListOutbox(Connection& database, bool dead_only);

// Makes a dead or pending row pending again with 0 attempts, due at `now_ms`; a delivered row
// is left as it is (kInvalidArgument: it was delivered). kNotFound for an unknown id.
base::Status RetryOutboxRow(Connection& database, int64_t id, int64_t now_ms);

}  // namespace db
