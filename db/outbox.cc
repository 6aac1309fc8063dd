// The outbox's rows (db/outbox.h). SQLite exceptions stop at this file's functions, as values.
#include "db/outbox.h"

#include <SQLiteCpp/SQLiteCpp.h>

namespace db {
namespace {

constexpr const char* kNowSql = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";
constexpr const char* kColumns =
    "id, job_id, kind, target, COALESCE(platform, ''), payload, delivery_id, status, attempts, "
    "next_attempt_ms, last_error, created_at, COALESCE(finished_at, '')";

OutboxRow ReadRow(SQLite::Statement& query) {
  OutboxRow row;
  row.id = query.getColumn(0).getInt64();
  row.job_id = query.getColumn(1).getInt64();
  row.kind = query.getColumn(2).getString();
  row.target = query.getColumn(3).getString();
  row.platform = query.getColumn(4).getString();
  row.payload = query.getColumn(5).getString();
  row.delivery_id = query.getColumn(6).getString();
  row.status = query.getColumn(7).getString();
  row.attempts = query.getColumn(8).getInt64();
  row.next_attempt_ms = query.getColumn(9).getInt64();
  row.last_error = query.getColumn(10).getString();
  row.created_at = query.getColumn(11).getString();
  row.finished_at = query.getColumn(12).getString();
  return row;
}

std::vector<OutboxRow> ReadRows(SQLite::Statement& query) {
  std::vector<OutboxRow> rows;
  while (query.executeStep()) rows.push_back(ReadRow(query));
  return rows;
}

// Sets the outcome of an attempt; kInternal when no pending row has this id.
base::Status Finish(SQLite::Database& database, int64_t id, const char* status, int64_t attempts,
                    const std::string& last_error) {
  try {
    SQLite::Statement update(database, std::string("UPDATE outbox SET status = ?, attempts = ?, "
                                                   "last_error = ?, finished_at = ") +
                                           kNowSql + " WHERE id = ? AND status = 'pending'");
    update.bind(1, status);
    update.bind(2, attempts);
    update.bind(3, last_error);
    update.bind(4, id);
    if (update.exec() != 1) {
      return base::Status::Internal("outbox row " + std::to_string(id) + " is not pending");
    }
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal("outbox row " + std::to_string(id) + ": " + e.what());
  }
}

}  // namespace

int64_t InsertOutboxRowOrThrow(SQLite::Database& database, const OutboxRow& row) {
  SQLite::Statement insert(
      database, std::string("INSERT INTO outbox (job_id, kind, target, platform, payload, "
                            "delivery_id, status, attempts, next_attempt_ms, last_error, "
                            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                            "COALESCE(NULLIF(?, ''), ") +
                    kNowSql + "))");
  insert.bind(1, row.job_id);
  insert.bind(2, row.kind);
  insert.bind(3, row.target);
  if (row.platform.empty()) {
    insert.bind(4);
  } else {
    insert.bind(4, row.platform);
  }
  insert.bind(5, row.payload);
  insert.bind(6, row.delivery_id);
  insert.bind(7, row.status);
  insert.bind(8, row.attempts);
  insert.bind(9, row.next_attempt_ms);
  insert.bind(10, row.last_error);
  insert.bind(11, row.created_at);
  insert.exec();
  return database.getLastInsertRowid();
}

base::StatusOr<std::vector<OutboxRow>> ListDueOutbox(SQLite::Database& database, int64_t now_ms,
                                                     int64_t limit) {
  if (limit <= 0) return base::Status::InvalidArgument("limit must be > 0");
  try {
    SQLite::Statement query(database, std::string("SELECT ") + kColumns +
                                          " FROM outbox WHERE status = 'pending' AND "
                                          "next_attempt_ms <= ? ORDER BY next_attempt_ms, id "
                                          "LIMIT ?");
    query.bind(1, now_ms);
    query.bind(2, limit);
    return ReadRows(query);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("listing the due outbox rows: ") + e.what());
  }
}

base::StatusOr<bool> ClaimOutboxRow(SQLite::Database& database, int64_t id, int64_t due_ms,
                                    int64_t lease_until_ms) {
  try {
    SQLite::Statement update(database,
                             "UPDATE outbox SET next_attempt_ms = ? WHERE id = ? AND "
                             "status = 'pending' AND next_attempt_ms = ?");
    update.bind(1, lease_until_ms);
    update.bind(2, id);
    update.bind(3, due_ms);
    return update.exec() == 1;
  } catch (const std::exception& e) {
    return base::Status::Internal("claiming outbox row " + std::to_string(id) + ": " + e.what());
  }
}

base::Status MarkOutboxDelivered(SQLite::Database& database, int64_t id, int64_t attempts) {
  return Finish(database, id, "delivered", attempts, "");
}

base::Status MarkOutboxDead(SQLite::Database& database, int64_t id, int64_t attempts,
                            const std::string& last_error) {
  return Finish(database, id, "dead", attempts, last_error);
}

base::Status MarkOutboxRetry(SQLite::Database& database, int64_t id, int64_t attempts,
                             int64_t next_attempt_ms, const std::string& last_error) {
  try {
    SQLite::Statement update(database,
                             "UPDATE outbox SET attempts = ?, next_attempt_ms = ?, "
                             "last_error = ? WHERE id = ? AND status = 'pending'");
    update.bind(1, attempts);
    update.bind(2, next_attempt_ms);
    update.bind(3, last_error);
    update.bind(4, id);
    if (update.exec() != 1) {
      return base::Status::Internal("outbox row " + std::to_string(id) + " is not pending");
    }
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal("outbox row " + std::to_string(id) + ": " + e.what());
  }
}

base::StatusOr<std::vector<OutboxRow>> ListOutbox(SQLite::Database& database, bool dead_only) {
  try {
    SQLite::Statement query(database, std::string("SELECT ") + kColumns + " FROM outbox" +
                                          (dead_only ? " WHERE status = 'dead'" : "") +
                                          " ORDER BY id");
    return ReadRows(query);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("listing the outbox: ") + e.what());
  }
}

base::Status RetryOutboxRow(SQLite::Database& database, int64_t id, int64_t now_ms) {
  try {
    SQLite::Statement find(database, "SELECT status FROM outbox WHERE id = ?");
    find.bind(1, id);
    if (!find.executeStep()) {
      return base::Status::NotFound("no outbox row " + std::to_string(id));
    }
    if (find.getColumn(0).getString() == "delivered") {
      return base::Status::InvalidArgument("outbox row " + std::to_string(id) +
                                           " was delivered already");
    }
    find.reset();
    SQLite::Statement update(database,
                             "UPDATE outbox SET status = 'pending', attempts = 0, "
                             "next_attempt_ms = ?, finished_at = NULL WHERE id = ? AND "
                             "status <> 'delivered'");
    update.bind(1, now_ms);
    update.bind(2, id);
    update.exec();
    return base::Status::Ok();
  } catch (const std::exception& e) {
    return base::Status::Internal("retrying outbox row " + std::to_string(id) + ": " + e.what());
  }
}

}  // namespace db
