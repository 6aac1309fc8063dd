#include "db/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <exception>
#include <string>
#include <utility>

#include "db/database_file.h"
#include "db/migrations.h"
#include "db/store_internal.h"

namespace db {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// ISO 8601 UTC with milliseconds ("2026-11-28T18:00:00.123Z"), computed by SQLite so that every
// timestamp in the database comes from one clock.
constexpr const char* kNowSql = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

constexpr const char* kSubmissionColumns =
    "id, learner, problem_id, problem_version, source_hash, source, status, score, max_score, "
    "compile_output, created_at, graded_at";

// Reads the current row of a query that selected kSubmissionColumns. Throws SQLite::Exception.
SubmissionRecord ReadSubmissionRow(const SQLite::Statement& row) {
  SubmissionRecord record;
  record.id = row.getColumn("id").getInt64();
  record.learner = row.getColumn("learner").getString();
  record.problem_id = row.getColumn("problem_id").getString();
  record.problem_version = row.getColumn("problem_version").getInt64();
  record.source_hash = row.getColumn("source_hash").getString();
  record.source = row.getColumn("source").getString();
  record.status = row.getColumn("status").getString();
  record.score = row.getColumn("score").getDouble();
  record.max_score = row.getColumn("max_score").getDouble();
  record.compile_output = row.getColumn("compile_output").getString();
  record.created_at = row.getColumn("created_at").getString();
  record.graded_at = row.getColumn("graded_at").getString();
  return record;
}

// Throws SQLite::Exception.
std::vector<TestResultRecord> ReadTests(SQLite::Database& database, int64_t submission_id) {
  SQLite::Statement query(database,
                          "SELECT name, entry, visibility, verdict, score, max_score, message, "
                          "max_rel_error, cpu_time_ms, wall_time_ms, peak_memory_bytes "
                          "FROM test_results WHERE submission_id = ? ORDER BY position");
  query.bind(1, submission_id);
  std::vector<TestResultRecord> tests;
  while (query.executeStep()) {
    TestResultRecord test;
    test.name = query.getColumn("name").getString();
    test.entry = query.getColumn("entry").getString();
    test.visibility = query.getColumn("visibility").getString();
    test.verdict = query.getColumn("verdict").getString();
    test.score = query.getColumn("score").getDouble();
    test.max_score = query.getColumn("max_score").getDouble();
    test.message = query.getColumn("message").getString();
    const SQLite::Column max_rel_error = query.getColumn("max_rel_error");
    if (!max_rel_error.isNull()) test.max_rel_error = max_rel_error.getDouble();
    test.cpu_time_ms = query.getColumn("cpu_time_ms").getInt64();
    test.wall_time_ms = query.getColumn("wall_time_ms").getInt64();
    test.peak_memory_bytes = query.getColumn("peak_memory_bytes").getInt64();
    tests.push_back(std::move(test));
  }
  SQLite::Statement diagnoses(database,
                              "SELECT position, misconception, pattern, skills, text "
                              "FROM test_diagnoses WHERE submission_id = ? ORDER BY position");
  diagnoses.bind(1, submission_id);
  while (diagnoses.executeStep()) {
    const auto position = static_cast<size_t>(diagnoses.getColumn(0).getInt64());
    if (position >= tests.size()) continue;
    DiagnosisRecord d;
    if (!diagnoses.getColumn(1).isNull()) d.misconception = diagnoses.getColumn(1).getString();
    if (!diagnoses.getColumn(2).isNull()) d.pattern = diagnoses.getColumn(2).getString();
    d.skills = SplitSkills(diagnoses.getColumn(3).getString());
    d.text = diagnoses.getColumn(4).getString();
    tests[position].diagnosis = std::move(d);
  }
  return tests;
}

// Throws SQLite::Exception.
void InsertTest(SQLite::Statement& insert, int64_t submission_id, int64_t position,
                const TestResultRecord& test) {
  insert.reset();
  insert.bind(1, submission_id);
  insert.bind(2, position);
  insert.bind(3, test.name);
  insert.bind(4, test.entry);
  insert.bind(5, test.visibility);
  insert.bind(6, test.verdict);
  insert.bind(7, test.score);
  insert.bind(8, test.max_score);
  insert.bind(9, test.message);
  if (test.max_rel_error.has_value()) {
    insert.bind(10, *test.max_rel_error);
  } else {
    insert.bind(10);  // NULL
  }
  insert.bind(11, test.cpu_time_ms);
  insert.bind(12, test.wall_time_ms);
  insert.bind(13, test.peak_memory_bytes);
  insert.exec();
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

Store::Store(std::unique_ptr<SQLite::Database> database, int schema_version)
    : database_(std::move(database)), schema_version_(schema_version) {}

Store::~Store() = default;

base::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& path, Sync sync) {
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
  base::StatusOr<int> version = ApplyMigrations(*database);
  if (!version.ok()) return version.status().WithContext(context);
  return std::unique_ptr<Store>(new Store(std::move(database), *version));
}

int Store::SchemaVersion() const { return schema_version_; }

base::StatusOr<int64_t> Store::RecordSubmission(const SubmissionRecord& submission,
                                                const RecordLinks& links) {
  const std::string context = "recording submission of learner '" + submission.learner +
                              "' for problem '" + submission.problem_id + "'";
  try {
    // Declared first so that it is destroyed last: any return or throw below, before commit(),
    // rolls back the submission row and every test row written so far.
    SQLite::Transaction transaction(*database_, SQLite::TransactionBehavior::IMMEDIATE);
    SQLite::Statement insert(
        *database_,
        std::string("INSERT INTO submissions (learner, problem_id, problem_version, source_hash, "
                    "source, status, score, max_score, compile_output, created_at, graded_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, COALESCE(NULLIF(?, ''), ") +
            kNowSql + "), COALESCE(NULLIF(?, ''), " + kNowSql + "))");
    insert.bind(1, submission.learner);
    insert.bind(2, submission.problem_id);
    insert.bind(3, submission.problem_version);
    insert.bind(4, submission.source_hash);
    insert.bind(5, submission.source);
    insert.bind(6, submission.status);
    insert.bind(7, submission.score);
    insert.bind(8, submission.max_score);
    insert.bind(9, submission.compile_output);
    insert.bind(10, submission.created_at);
    insert.bind(11, submission.graded_at);
    insert.exec();
    const int64_t id = database_->getLastInsertRowid();

    SQLite::Statement insert_test(
        *database_,
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
    transaction.commit();
    return id;
  } catch (const std::exception& e) {
    return base::Status::Internal(context + ": " + e.what());
  }
}

base::StatusOr<SubmissionRecord> Store::GetSubmission(int64_t id) const {
  const std::string context = "reading submission " + std::to_string(id);
  try {
    SQLite::Statement query(
        *database_, std::string("SELECT ") + kSubmissionColumns + " FROM submissions WHERE id = ?");
    query.bind(1, id);
    if (!query.executeStep()) {
      return base::Status::NotFound("submission " + std::to_string(id) + " does not exist");
    }
    SubmissionRecord record = ReadSubmissionRow(query);
    record.tests = ReadTests(*database_, id);
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
    SQLite::Statement query(*database_, std::string("SELECT ") + kSubmissionColumns +
                                            " FROM submissions WHERE ?1 = '' OR learner = ?1 "
                                            "ORDER BY id DESC LIMIT ?2");
    query.bind(1, learner);
    query.bind(2, limit);
    std::vector<SubmissionRecord> records;
    while (query.executeStep()) records.push_back(ReadSubmissionRow(query));
    return records;
  } catch (const std::exception& e) {
    return base::Status::Internal("listing submissions of learner '" + learner + "': " + e.what());
  }
}

}  // namespace db
