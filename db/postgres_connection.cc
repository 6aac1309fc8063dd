#include "db/postgres_connection.h"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <vector>

namespace db {
namespace {

// A fresh session: libpqxx's reactivation off, notices ("relation already exists, skipping")
// kept out of the logs.
std::unique_ptr<pqxx::connection> Connect(const std::string& uri) {
  auto connection = std::make_unique<pqxx::connection>(uri);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  connection->inhibit_reactivation(true);
#pragma GCC diagnostic pop
  pqxx::nontransaction session(*connection);
  session.exec("SET client_min_messages = warning");
  session.exec("SET TIME ZONE 'UTC'");
  return connection;
}

class PostgresConnectionImpl;

class PostgresStatement : public StatementBackend {
 public:
  PostgresStatement(PostgresConnectionImpl& connection, std::string sql)
      : connection_(connection), sql_(std::move(sql)) {}
  void BindNull(int index) override { Slot(index).reset(); }
  void Bind(int index, int64_t value) override { Slot(index) = std::to_string(value); }
  void Bind(int index, double value) override {
    char text[32];
    std::snprintf(text, sizeof(text), "%.17g", value);  // round-trips every double
    Slot(index) = text;
  }
  void Bind(int index, const std::string& value) override { Slot(index) = value; }
  void ClearBindings() override {
    for (auto& p : params_) p.reset();
  }
  bool Step() override;
  int64_t Exec() override;
  void Reset() override {
    result_.reset();
    row_ = -1;
  }
  int ColumnIndex(const std::string& name) const override {
    return static_cast<int>(Result().column_number(name));
  }
  bool IsNull(int column) const override { return Field(column).is_null(); }
  int64_t Int64(int column) const override {
    const pqxx::field f = Field(column);
    return f.is_null() ? 0 : std::strtoll(f.c_str(), nullptr, 10);
  }
  double Double(int column) const override {
    const pqxx::field f = Field(column);
    return f.is_null() ? 0.0 : std::strtod(f.c_str(), nullptr);
  }
  std::string Text(int column) const override {
    const pqxx::field f = Field(column);
    return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
  }

 private:
  std::optional<std::string>& Slot(int index) {
    if (index < 1) throw std::out_of_range("bind index " + std::to_string(index));
    if (params_.size() < static_cast<size_t>(index)) params_.resize(static_cast<size_t>(index));
    return params_[static_cast<size_t>(index - 1)];
  }
  const pqxx::result& Result() const {
    if (!result_) throw std::logic_error("statement not run: " + sql_);
    return *result_;
  }
  pqxx::field Field(int column) const {
    if (row_ < 0 || static_cast<size_t>(row_) >= Result().size()) {
      throw std::logic_error("no current row: " + sql_);
    }
    return Result()[static_cast<pqxx::result::size_type>(row_)]
                   [static_cast<pqxx::row::size_type>(column)];
  }
  void Run();

  PostgresConnectionImpl& connection_;
  std::string sql_;
  std::vector<std::optional<std::string>> params_;
  std::optional<pqxx::result> result_;
  long row_ = -1;
};

class PostgresConnectionImpl : public Connection {
 public:
  explicit PostgresConnectionImpl(std::string uri) : uri_(std::move(uri)) {}
  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override { return RedactDatabaseUrl(uri_); }
  std::unique_ptr<StatementBackend> Prepare(const std::string& sql) override {
    return std::make_unique<PostgresStatement>(*this, PostgresPlaceholders(sql));
  }
  void ExecScript(const std::string& sql) override {
    Guarded([&](pqxx::nontransaction& session) { return session.exec(sql); });
  }
  void Begin() override {
    Guarded([](pqxx::nontransaction& session) { return session.exec("BEGIN"); });
    in_transaction_ = true;
  }
  void Commit() override {
    // Still "in a transaction" while COMMIT runs: a lost session must fail the commit, never
    // repeat it on a new session (where it would commit nothing and succeed).
    try {
      Guarded([](pqxx::nontransaction& session) { return session.exec("COMMIT"); });
    } catch (...) {
      in_transaction_ = false;
      throw;
    }
    in_transaction_ = false;
  }
  void Rollback() noexcept override {
    in_transaction_ = false;
    try {
      if (session_) session_->exec("ROLLBACK");
    } catch (...) {
      Drop();  // the session is unusable: the next statement opens a new one
    }
  }
  bool TableExists(const std::string& table) override {
    Statement q(*this,
                "SELECT COUNT(*) FROM information_schema.tables "
                "WHERE table_schema = current_schema() AND table_name = ?");
    q.Bind(1, table);
    return q.Step() && q.Column(0).Int64() > 0;
  }

  // Runs `run` on the session, opening one first when there is none. A session found broken
  // (the server restarted, the network dropped) is dropped; outside a transaction the
  // statement is tried once more on a new session, so a restart costs each connection nothing
  // but a reconnect (every statement run outside a transaction is safe to repeat: a read, or
  // an UPDATE guarded by its WHERE). Inside a transaction the error is the caller's: the
  // transaction is gone with the session.
  template <typename Run>
  pqxx::result Guarded(Run run) {
    for (int attempt = 1;; ++attempt) {
      if (!session_) {
        if (in_transaction_) throw pqxx::broken_connection("connection lost in a transaction");
        OpenSession();
      }
      try {
        return run(*session_);
      } catch (const std::exception&) {
        if (connection_->is_open()) throw;  // an SQL error: the session is fine
        Drop();
        if (in_transaction_ || attempt > 1) throw;
      }
    }
  }

  void OpenSession() {
    connection_ = Connect(uri_);
    session_ = std::make_unique<pqxx::nontransaction>(*connection_);
  }

 private:
  void Drop() noexcept {
    session_.reset();
    connection_.reset();
  }

  std::string uri_;
  std::unique_ptr<pqxx::connection> connection_;
  std::unique_ptr<pqxx::nontransaction> session_;
  bool in_transaction_ = false;
};

void PostgresStatement::Run() {
  std::vector<const char*> values;
  values.reserve(params_.size());
  for (const auto& p : params_) values.push_back(p ? p->c_str() : nullptr);
  result_ = connection_.Guarded([&](pqxx::nontransaction& session) {
    return session.exec_params(sql_, pqxx::prepare::make_dynamic_params(values));
  });
  row_ = -1;
}

bool PostgresStatement::Step() {
  if (!result_) Run();
  ++row_;
  return static_cast<size_t>(row_) < result_->size();
}

int64_t PostgresStatement::Exec() {
  Run();
  return static_cast<int64_t>(result_->affected_rows());
}

}  // namespace

std::string PostgresPlaceholders(const std::string& sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 0;
  bool quoted = false;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (quoted || c != '?') {
      out += c;
      continue;
    }
    size_t digits = i + 1;
    while (digits < sql.size() && std::isdigit(static_cast<unsigned char>(sql[digits]))) ++digits;
    if (digits > i + 1) {
      out += '$' + sql.substr(i + 1, digits - i - 1);
      i = digits - 1;
    } else {
      out += '$' + std::to_string(++next);
    }
  }
  return out;
}

base::StatusOr<std::unique_ptr<Connection>> OpenPostgres(const std::string& uri) {
  auto connection = std::make_unique<PostgresConnectionImpl>(uri);
  try {
    connection->OpenSession();
  } catch (const std::exception& e) {
    return base::Status::Unavailable("database " + RedactDatabaseUrl(uri) +
                                     ": cannot connect: " + e.what());
  }
  return std::unique_ptr<Connection>(std::move(connection));
}

}  // namespace db
