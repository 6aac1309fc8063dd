// The outbox's rows (db/outbox.h). Database exceptions stop at this file's functions, as values.
#include "db/outbox.h"

#include <stdexcept>

namespace db {
namespace {

constexpr const char* kColumns =
    "id, job_id, kind, target, COALESCE(platform, ''), payload, delivery_id, status, attempts, "
    "next_attempt_ms, last_error, created_at, COALESCE(finished_at, '')";

OutboxRow ReadRow(Statement& query) {
  OutboxRow row;
  row.id = query.Column(0).Int64();
  row.job_id = query.Column(1).Int64();
  row.kind = query.Column(2).Text();
  row.target = query.Column(3).Text();
  row.platform = query.Column(4).Text();
  row.payload = query.Column(5).Text();
  row.delivery_id = query.Column(6).Text();
  row.status = query.Column(7).Text();
  row.attempts = query.Column(8).Int64();
  row.next_attempt_ms = query.Column(9).Int64();
  row.last_error = query.Column(10).Text();
  row.created_at = query.Column(11).Text();
  row.finished_at = query.Column(12).Text();
  return row;
}

std::vector<OutboxRow> ReadRows(Statement& query) {
  std::vector<OutboxRow> rows;
  while (query.Step()) rows.push_back(ReadRow(query));
  return rows;
}

// Sets the outcome of an attempt; kInternal when no pending row has this id.
base::Status Finish(Connection& database, int64_t id, const char* status, int64_t attempts,
                    const std::string& last_error) {
  try {
    Statement update(database, std::string("UPDATE outbox SET status = ?, attempts = ?, "
                                           "last_error = ?, finished_at = ") +
                                   NowSql(database.dialect()) +
                                   " WHERE id = ? AND status = 'pending'");
    update.Bind(1, status);
    update.Bind(2, attempts);
    update.Bind(3, last_error);
    update.Bind(4, id);
    if (update.Exec() != 1) {
      return base::Status::Internal("outbox row " + std::to_string(id) + " is not pending");
    }
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal("outbox row " + std::to_string(id) + ": " + e.what());
  }
}

}  // namespace

int64_t InsertOutboxRowOrThrow(Connection& database, const OutboxRow& row) {
  Statement insert(database,
                   std::string("INSERT INTO outbox (job_id, kind, target, platform, payload, "
                               "delivery_id, status, attempts, next_attempt_ms, last_error, "
                               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                               "COALESCE(NULLIF(?, ''), ") +
                       NowSql(database.dialect()) + ")) RETURNING id");
  insert.Bind(1, row.job_id);
  insert.Bind(2, row.kind);
  insert.Bind(3, row.target);
  if (row.platform.empty()) {
    insert.BindNull(4);
  } else {
    insert.Bind(4, row.platform);
  }
  insert.Bind(5, row.payload);
  insert.Bind(6, row.delivery_id);
  insert.Bind(7, row.status);
  insert.Bind(8, row.attempts);
  insert.Bind(9, row.next_attempt_ms);
  insert.Bind(10, row.last_error);
  insert.Bind(11, row.created_at);
  return InsertReturningId(insert);
}

base::StatusOr<std::vector<OutboxRow>> ListDueOutbox(Connection& database, int64_t now_ms,
                                                     int64_t limit) {
  if (limit <= 0) return base::Status::InvalidArgument("limit must be > 0");
  try {
    Statement query(database, std::string("SELECT ") + kColumns +
                                  " FROM outbox WHERE status = 'pending' AND "
                                  "next_attempt_ms <= ? ORDER BY next_attempt_ms, id "
                                  "LIMIT ?");
    query.Bind(1, now_ms);
    query.Bind(2, limit);
    return ReadRows(query);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("listing the due outbox rows: ") + e.what());
  }
}

base::StatusOr<bool> ClaimOutboxRow(Connection& database, int64_t id, int64_t due_ms,
                                    int64_t lease_until_ms) {
  try {
    Statement update(database,
                     "UPDATE outbox SET next_attempt_ms = ? WHERE id = ? AND "
                     "status = 'pending' AND next_attempt_ms = ?");
    update.Bind(1, lease_until_ms);
    update.Bind(2, id);
    update.Bind(3, due_ms);
    return update.Exec() == 1;
  } catch (const std::exception& e) {
    return base::Status::Internal("claiming outbox row " + std::to_string(id) + ": " + e.what());
  }
}

base::Status MarkOutboxDelivered(Connection& database, int64_t id, int64_t attempts) {
  return Finish(database, id, "delivered", attempts, "");
}

base::Status MarkOutboxDead(Connection& database, int64_t id, int64_t attempts,
                            const std::string& last_error) {
  return Finish(database, id, "dead", attempts, last_error);
}

base::Status MarkOutboxRetry(Connection& database, int64_t id, int64_t attempts,
                             int64_t next_attempt_ms, const std::string& last_error) {
  try {
    Statement update(database,
                     "UPDATE outbox SET attempts = ?, next_attempt_ms = ?, "
                     "last_error = ? WHERE id = ? AND status = 'pending'");
    update.Bind(1, attempts);
    update.Bind(2, next_attempt_ms);
    update.Bind(3, last_error);
    update.Bind(4, id);
    if (update.Exec() != 1) {
      return base::Status::Internal("outbox row " + std::to_string(id) + " is not pending");
    }
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal("outbox row " + std::to_string(id) + ": " + e.what());
  }
}

base::StatusOr<std::vector<OutboxRow>> ListOutbox(Connection& database, bool dead_only) {
  try {
    Statement query(database, std::string("SELECT ") + kColumns + " FROM outbox" +
                                  (dead_only ? " WHERE status = 'dead'" : "") + " ORDER BY id");
    return ReadRows(query);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("listing the outbox: ") + e.what());
  }
}

base::Status RetryOutboxRow(Connection& database, int64_t id, int64_t now_ms) {
  try {
    Statement find(database, "SELECT status FROM outbox WHERE id = ?");
    find.Bind(1, id);
    if (!find.Step()) {
      return base::Status::NotFound("no outbox row " + std::to_string(id));
    }
    if (find.Column(0).Text() == "delivered") {
      return base::Status::InvalidArgument("outbox row " + std::to_string(id) +
                                           " was delivered already");
    }
    find.Reset();
    Statement update(database,
                     "UPDATE outbox SET status = 'pending', attempts = 0, "
                     "next_attempt_ms = ?, finished_at = NULL WHERE id = ? AND "
                     "status <> 'delivered'");
    update.Bind(1, now_ms);
    update.Bind(2, id);
    update.Exec();
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal("retrying outbox row " + std::to_string(id) + ": " + e.what());
  }
}

}  // namespace db
