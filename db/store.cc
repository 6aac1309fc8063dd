#include "db/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "db/database_file.h"
#include "db/migrations.h"
#include "db/postgres_connection.h"
#include "db/sqlite_connection.h"
#include "db/store_internal.h"

namespace db {
namespace {

constexpr int kBusyTimeoutMs = 5000;

constexpr const char* kSubmissionColumns =
    "id, learner, problem_id, problem_version, source_hash, source, status, score, max_score, "
    "compile_output, created_at, graded_at";

// Reads the current row of a query that selected kSubmissionColumns. Throws.
SubmissionRecord ReadSubmissionRow(const Statement& row) {
  SubmissionRecord record;
  record.id = row.Column("id").Int64();
  record.learner = row.Column("learner").Text();
  record.problem_id = row.Column("problem_id").Text();
  record.problem_version = row.Column("problem_version").Int64();
  record.source_hash = row.Column("source_hash").Text();
  record.source = row.Column("source").Text();
  record.status = row.Column("status").Text();
  record.score = row.Column("score").Double();
  record.max_score = row.Column("max_score").Double();
  record.compile_output = row.Column("compile_output").Text();
  record.created_at = row.Column("created_at").Text();
  record.graded_at = row.Column("graded_at").Text();
  return record;
}

// Throws.
std::vector<TestResultRecord> ReadTests(Connection& database, int64_t submission_id) {
  Statement query(database,
                  "SELECT name, entry, visibility, verdict, score, max_score, message, "
                  "max_rel_error, cpu_time_ms, wall_time_ms, peak_memory_bytes "
                  "FROM test_results WHERE submission_id = ? ORDER BY position");
  query.Bind(1, submission_id);
  std::vector<TestResultRecord> tests;
  while (query.Step()) {
    TestResultRecord test;
    test.name = query.Column("name").Text();
    test.entry = query.Column("entry").Text();
    test.visibility = query.Column("visibility").Text();
    test.verdict = query.Column("verdict").Text();
    test.score = query.Column("score").Double();
    test.max_score = query.Column("max_score").Double();
    test.message = query.Column("message").Text();
    const Cell max_rel_error = query.Column("max_rel_error");
    if (!max_rel_error.IsNull()) test.max_rel_error = max_rel_error.Double();
    test.cpu_time_ms = query.Column("cpu_time_ms").Int64();
    test.wall_time_ms = query.Column("wall_time_ms").Int64();
    test.peak_memory_bytes = query.Column("peak_memory_bytes").Int64();
    tests.push_back(std::move(test));
  }
  Statement diagnoses(database,
                      "SELECT position, misconception, pattern, skills, text "
                      "FROM test_diagnoses WHERE submission_id = ? ORDER BY position");
  diagnoses.Bind(1, submission_id);
  while (diagnoses.Step()) {
    const auto position = static_cast<size_t>(diagnoses.Column(0).Int64());
    if (position >= tests.size()) continue;
    DiagnosisRecord d;
    if (!diagnoses.Column(1).IsNull()) d.misconception = diagnoses.Column(1).Text();
    if (!diagnoses.Column(2).IsNull()) d.pattern = diagnoses.Column(2).Text();
    d.skills = SplitSkills(diagnoses.Column(3).Text());
    d.text = diagnoses.Column(4).Text();
    tests[position].diagnosis = std::move(d);
  }
  return tests;
}

// Throws.
void InsertTest(Statement& insert, int64_t submission_id, int64_t position,
                const TestResultRecord& test) {
  insert.Reset();
  insert.Bind(1, submission_id);
  insert.Bind(2, position);
  insert.Bind(3, test.name);
  insert.Bind(4, test.entry);
  insert.Bind(5, test.visibility);
  insert.Bind(6, test.verdict);
  insert.Bind(7, test.score);
  insert.Bind(8, test.max_score);
  insert.Bind(9, test.message);
  if (test.max_rel_error.has_value()) {
    insert.Bind(10, *test.max_rel_error);
  } else {
    insert.BindNull(10);  // NULL
  }
  insert.Bind(11, test.cpu_time_ms);
  insert.Bind(12, test.wall_time_ms);
  insert.Bind(13, test.peak_memory_bytes);
  insert.Exec();
}

// Sets the connection options every Store relies on. Throws SQLite::Exception.
base::Status ConfigureConnection(SQLite::Database& database) {
  database.exec("PRAGMA foreign_keys = ON");
  if (database.execAndGet("PRAGMA foreign_keys").getInt() != 1) {
    return base::Status::Internal("this SQLite build cannot enforce foreign keys");
  }
  // An in-memory database reports "memory": WAL does not apply to it.
  const std::string journal_mode = database.execAndGet("PRAGMA journal_mode = WAL").getString();
  if (journal_mode != "wal" && journal_mode != "memory") {
    return base::Status::Internal("cannot enable WAL journal mode (journal_mode is '" +
                                  journal_mode + "')");
  }
  return base::Status::Ok();
}

}  // namespace

Store::Store(std::unique_ptr<Connection> connection, SQLite::Database* sqlite, int schema_version)
    : connection_(std::move(connection)), sqlite_(sqlite), schema_version_(schema_version) {}

Store::~Store() = default;

SQLite::Database& Store::database() {
  if (sqlite_ == nullptr) {
    throw std::logic_error("Store::database() on " + connection_->Describe() + ": not SQLite");
  }
  return *sqlite_;
}

base::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& url, Sync sync) {
  base::StatusOr<DatabaseUrl> parsed = ParseDatabaseUrl(url);
  if (!parsed.ok()) return parsed.status();
  if (parsed->dialect == Dialect::kPostgres) {
    base::StatusOr<std::unique_ptr<Connection>> connection = OpenPostgres(parsed->target);
    if (!connection.ok()) return connection.status();
    base::StatusOr<int> version = ApplyMigrations(**connection);
    if (!version.ok()) return version.status().WithContext("database " + RedactDatabaseUrl(url));
    return std::unique_ptr<Store>(new Store(std::move(*connection), nullptr, *version));
  }
  const std::string& path = parsed->target;
  const std::string context = "database '" + path + "'";
  RETURN_IF_ERROR(CheckDatabaseFile(path));
  std::unique_ptr<SQLite::Database> database;
  try {
    database = std::make_unique<SQLite::Database>(
        path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, kBusyTimeoutMs);
    // SQLite falls back to read-only when the file or its filesystem cannot be written.
    if (sqlite3_db_readonly(database->getHandle(), "main") == 1) {
      return base::Status::InvalidArgument(context + " is read-only: the grader records every " +
                                           "result; make it writable or use another --data-dir");
    }
    // Reads the schema page: a damaged file fails here, before anything else is done.
    database->execAndGet("SELECT COUNT(*) FROM sqlite_master");
    RETURN_IF_ERROR(ConfigureConnection(*database).WithContext(context));
    if (sync == Sync::kNormal) database->exec("PRAGMA synchronous = NORMAL");
  } catch (const SQLite::Exception& e) {
    if (e.getErrorCode() == SQLITE_NOTADB || e.getErrorCode() == SQLITE_CORRUPT) {
      return base::Status::InvalidArgument(context + " is damaged (" + e.what() +
                                           "): restore it from a backup or use another " +
                                           "--data-dir");
    }
    return base::Status::Internal(context + ": cannot open: " + e.what());
  } catch (const std::exception& e) {
    return base::Status::Internal(context + ": cannot open: " + e.what());
  }
  SQLite::Database* handle = database.get();
  auto connection = std::make_unique<SqliteConnection>(std::move(database), path);
  base::StatusOr<int> version = ApplyMigrations(*connection);
  if (!version.ok()) return version.status().WithContext(context);
  return std::unique_ptr<Store>(new Store(std::move(connection), handle, *version));
}

int Store::SchemaVersion() const { return schema_version_; }

base::StatusOr<int64_t> Store::RecordSubmission(const SubmissionRecord& submission,
                                                const RecordLinks& links) {
  const std::string context = "recording submission of learner '" + submission.learner +
                              "' for problem '" + submission.problem_id + "'";
  try {
    // Declared first so that it is destroyed last: any return or throw below, before commit(),
    // rolls back the submission row and every test row written so far.
    Transaction transaction(*connection_);
    const char* now = NowSql(connection_->dialect());
    Statement insert(
        *connection_,
        std::string("INSERT INTO submissions (learner, problem_id, problem_version, source_hash, "
                    "source, status, score, max_score, compile_output, created_at, graded_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(NULLIF(?, ''), ") +
            now + "), COALESCE(NULLIF(?, ''), " + now + ")) RETURNING id");
    insert.Bind(1, submission.learner);
    insert.Bind(2, submission.problem_id);
    insert.Bind(3, submission.problem_version);
    insert.Bind(4, submission.source_hash);
    insert.Bind(5, submission.source);
    insert.Bind(6, submission.status);
    insert.Bind(7, submission.score);
    insert.Bind(8, submission.max_score);
    insert.Bind(9, submission.compile_output);
    insert.Bind(10, submission.created_at);
    insert.Bind(11, submission.graded_at);
    const int64_t id = InsertReturningId(insert);

    Statement insert_test(
        *connection_,
        "INSERT INTO test_results (submission_id, position, name, entry, visibility, verdict, "
        "score, max_score, message, max_rel_error, cpu_time_ms, wall_time_ms, peak_memory_bytes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    for (size_t position = 0; position < submission.tests.size(); ++position) {
      const TestResultRecord& test = submission.tests[position];
      try {
        InsertTest(insert_test, id, static_cast<int64_t>(position), test);
      } catch (const std::exception& e) {
        return base::Status::Internal(context + ": tests[" + std::to_string(position) + "] '" +
                                      test.name + "': " + e.what());
      }
    }
    InsertLearningRowsOrThrow(id, submission);
    InsertLinksOrThrow(id, links);
    if (links.cancelled && links.cancelled())
      return base::Status::Internal(context + ": cancelled");
    transaction.Commit();
    return id;
  } catch (const std::exception& e) {
    return base::Status::Internal(context + ": " + e.what());
  }
}

base::StatusOr<SubmissionRecord> Store::GetSubmission(int64_t id) const {
  const std::string context = "reading submission " + std::to_string(id);
  try {
    Statement query(*connection_,
                    std::string("SELECT ") + kSubmissionColumns + " FROM submissions WHERE id = ?");
    query.Bind(1, id);
    if (!query.Step()) {
      return base::Status::NotFound("submission " + std::to_string(id) + " does not exist");
    }
    SubmissionRecord record = ReadSubmissionRow(query);
    record.tests = ReadTests(*connection_, id);
    return record;
  } catch (const std::exception& e) {
    return base::Status::Internal(context + ": " + e.what());
  }
}

base::StatusOr<std::vector<SubmissionRecord>> Store::ListSubmissions(const std::string& learner,
                                                                     int64_t limit) const {
  if (limit <= 0) {
    return base::Status::InvalidArgument("listing submissions: limit must be > 0, got " +
                                         std::to_string(limit));
  }
  try {
    Statement query(*connection_, std::string("SELECT ") + kSubmissionColumns +
                                      " FROM submissions WHERE ?1 = '' OR learner = ?1 "
                                      "ORDER BY id DESC LIMIT ?2");
    query.Bind(1, learner);
    query.Bind(2, limit);
    std::vector<SubmissionRecord> records;
    while (query.Step()) records.push_back(ReadSubmissionRow(query));
    return records;
  } catch (const std::exception& e) {
    return base::Status::Internal("listing submissions of learner '" + learner + "': " + e.what());
  }
}

}  // namespace db
