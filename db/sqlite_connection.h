// db: the SQLite backend of db::Connection (db/connection.h), a thin layer over SQLiteCpp.
// Store::Open (db/store.cc) opens and configures the database; this class only runs SQL on it.
#pragma once

#include <memory>
#include <string>

#include "db/connection.h"

namespace SQLite {
class Database;
}

namespace db {

class SqliteConnection : public Connection {
 public:
  SqliteConnection(std::unique_ptr<SQLite::Database> database, std::string path);
  ~SqliteConnection() override;
  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return "sqlite:" + path_; }
  std::unique_ptr<StatementBackend> Prepare(const std::string& sql) override;
  void ExecScript(const std::string& sql) override;
  void Begin() override;
  void Commit() override;
  void Rollback() noexcept override;
  bool TableExists(const std::string& table) override;
  SQLite::Database& database() { return *database_; }

 private:
  std::unique_ptr<SQLite::Database> database_;
  std::string path_;
};

}  // namespace db
