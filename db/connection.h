// db: one database connection behind a small interface, so that the store's SQL is written once
// and runs on SQLite (the embedded default) and on PostgreSQL (scale-out, docs/scale-out.md).
//
// SQL is written in the common subset: `?` or `?N` placeholders (translated to `$N` for
// PostgreSQL), `INSERT ... ON CONFLICT ... DO NOTHING/UPDATE`, `RETURNING`. The few dialect
// spots are named by the helpers below (NowSql, ForUpdate, ForUpdateSkipLocked).
//
// Errors are exceptions inside db/ (SQLite::Exception or pqxx's std::exception subclasses); the
// store's functions catch them and return base::Status values. A Connection is not thread-safe:
// one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"

namespace db {

enum class Dialect { kSqlite, kPostgres };

// One prepared statement of a backend. Bind indices are 1-based, column indices 0-based.
class StatementBackend {
 public:
  virtual ~StatementBackend() = default;
  virtual void BindNull(int index) = 0;
  virtual void Bind(int index, int64_t value) = 0;
  virtual void Bind(int index, double value) = 0;
  virtual void Bind(int index, const std::string& value) = 0;
  virtual void ClearBindings() = 0;
  // Runs the statement on the first call after a Reset; true while a row is available.
  virtual bool Step() = 0;
  // Runs a statement that returns no rows; the number of rows it changed.
  virtual int64_t Exec() = 0;
  // Ready to run again; bindings are kept.
  virtual void Reset() = 0;
  virtual int ColumnIndex(const std::string& name) const = 0;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int64(int column) const = 0;
  virtual double Double(int column) const = 0;
  virtual std::string Text(int column) const = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // "sqlite:PATH" or the PostgreSQL URL with any password removed (for messages).
  virtual std::string Describe() const = 0;
  virtual std::unique_ptr<StatementBackend> Prepare(const std::string& sql) = 0;
  // Runs one or more statements without parameters (migrations, PRAGMAs).
  virtual void ExecScript(const std::string& sql) = 0;
  // A write transaction: SQLite takes the write lock up front (BEGIN IMMEDIATE); PostgreSQL
  // runs READ COMMITTED and the SQL takes row locks where it needs them.
  virtual void Begin() = 0;
  virtual void Commit() = 0;
  virtual void Rollback() noexcept = 0;
  virtual bool TableExists(const std::string& table) = 0;
};

// A statement on a connection, valid while the connection lives.
class Cell;
class Statement {
 public:
  Statement(Connection& connection, const std::string& sql) : backend_(connection.Prepare(sql)) {}
  void BindNull(int index) { backend_->BindNull(index); }
  void Bind(int index, int64_t value) { backend_->Bind(index, value); }
  void Bind(int index, int value) { backend_->Bind(index, int64_t{value}); }
  void Bind(int index, double value) { backend_->Bind(index, value); }
  void Bind(int index, const std::string& value) { backend_->Bind(index, value); }
  void Bind(int index, const char* value) { backend_->Bind(index, std::string(value)); }
  void ClearBindings() { backend_->ClearBindings(); }
  bool Step() { return backend_->Step(); }
  int64_t Exec() { return backend_->Exec(); }
  void Reset() { backend_->Reset(); }
  inline Cell Column(int column) const;
  inline Cell Column(const std::string& name) const;

 private:
  std::unique_ptr<StatementBackend> backend_;
};

// One column of a statement's current row.
class Cell {
 public:
  Cell(const StatementBackend& backend, int column) : backend_(backend), column_(column) {}
  bool IsNull() const { return backend_.IsNull(column_); }
  int64_t Int64() const { return backend_.Int64(column_); }
  int Int() const { return static_cast<int>(backend_.Int64(column_)); }
  double Double() const { return backend_.Double(column_); }
  std::string Text() const { return backend_.Text(column_); }

 private:
  const StatementBackend& backend_;
  int column_;
};

inline Cell Statement::Column(int column) const { return Cell(*backend_, column); }
inline Cell Statement::Column(const std::string& name) const {
  return Cell(*backend_, backend_->ColumnIndex(name));
}

// A write transaction, rolled back on destruction unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) { connection_.Begin(); }
  ~Transaction() {
    if (!done_) connection_.Rollback();
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit() {
    connection_.Commit();
    done_ = true;
  }

 private:
  Connection& connection_;
  bool done_ = false;
};

// Runs an `INSERT ... RETURNING id` (bound) and returns the new row's id; the statement is
// reset for the next use. Throws when no row came back.
int64_t InsertReturningId(Statement& insert);

// The current time as ISO 8601 UTC with milliseconds ("2026-11-28T18:00:00.123Z"), computed by
// the database so that every timestamp comes from one clock.
const char* NowSql(Dialect dialect);
// Row locks for a read that is followed by a write of the same rows (PostgreSQL; SQLite's
// transactions already hold the database's write lock).
const char* ForUpdate(Dialect dialect);
// Row locks that skip rows another transaction holds: how competing queue takers get disjoint
// rows on PostgreSQL.
const char* ForUpdateSkipLocked(Dialect dialect);

// Which database a URL names (docs/scale-out.md): "postgresql://..." or "postgres://..." is
// PostgreSQL; "sqlite:PATH" or a plain path (":memory:" included) is SQLite.
struct DatabaseUrl {
  Dialect dialect = Dialect::kSqlite;
  std::string target;  // the SQLite path, or the libpq connection URI
};
base::StatusOr<DatabaseUrl> ParseDatabaseUrl(const std::string& url);
// The URL without a password, for messages and logs.
std::string RedactDatabaseUrl(const std::string& url);

}  // namespace db
