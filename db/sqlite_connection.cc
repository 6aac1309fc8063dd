#include "db/sqlite_connection.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <utility>

namespace db {
namespace {

class SqliteStatement : public StatementBackend {
 public:
  SqliteStatement(SQLite::Database& database, const std::string& sql) : statement_(database, sql) {}
  void BindNull(int index) override { statement_.bind(index); }
  void Bind(int index, int64_t value) override { statement_.bind(index, value); }
  void Bind(int index, double value) override { statement_.bind(index, value); }
  void Bind(int index, const std::string& value) override { statement_.bind(index, value); }
  void ClearBindings() override { statement_.clearBindings(); }
  bool Step() override { return statement_.executeStep(); }
  int64_t Exec() override { return statement_.exec(); }
  void Reset() override { statement_.reset(); }
  int ColumnIndex(const std::string& name) const override {
    return statement_.getColumnIndex(name.c_str());
  }
  bool IsNull(int column) const override { return statement_.getColumn(column).isNull(); }
  int64_t Int64(int column) const override { return statement_.getColumn(column).getInt64(); }
  double Double(int column) const override { return statement_.getColumn(column).getDouble(); }
  std::string Text(int column) const override { return statement_.getColumn(column).getString(); }

 private:
  SQLite::Statement statement_;
};

}  // namespace

SqliteConnection::SqliteConnection(std::unique_ptr<SQLite::Database> database, std::string path)
    : database_(std::move(database)), path_(std::move(path)) {}

SqliteConnection::~SqliteConnection() = default;

std::unique_ptr<StatementBackend> SqliteConnection::Prepare(const std::string& sql) {
  return std::make_unique<SqliteStatement>(*database_, sql);
}

void SqliteConnection::ExecScript(const std::string& sql) { database_->exec(sql); }

// IMMEDIATE takes the write lock up front: two writers never both read and then both try to
// upgrade (which would fail one of them with SQLITE_BUSY after the read).
void SqliteConnection::Begin() { database_->exec("BEGIN IMMEDIATE"); }

void SqliteConnection::Commit() { database_->exec("COMMIT"); }

void SqliteConnection::Rollback() noexcept {
  try {
    database_->exec("ROLLBACK");
  } catch (...) {
    // Nothing to roll back (SQLite already did, e.g. after SQLITE_FULL): the state is the same.
  }
}

bool SqliteConnection::TableExists(const std::string& table) {
  return database_->tableExists(table);
}

}  // namespace db
