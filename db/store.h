// db: the SQLite store. One Store owns one database connection; the schema is versioned and
// migrated forward on Open(). Every graded submission is written by RecordSubmission() in one
// transaction, so a crash or an error mid-write leaves nothing half-recorded.
//
// Threading: a Store is not thread-safe; open one per thread (WAL mode lets them share a file).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace SQLite {
class Database;
}

namespace db {

struct TestResultRecord {
  std::string name;
  std::string entry;
  std::string visibility;  // "visible" | "hidden"
  std::string verdict;     // see docs/verdicts.md
  double score = 0;
  double max_score = 0;
  std::string message;
  std::optional<double> max_rel_error;  // when outputs were compared
  int64_t cpu_time_ms = 0;
  int64_t wall_time_ms = 0;
  int64_t peak_memory_bytes = 0;
};

struct SubmissionRecord {
  int64_t id = 0;              // assigned by RecordSubmission
  std::string learner;
  std::string problem_id;
  int64_t problem_version = 0;
  std::string source_hash;     // hex SHA-256 of the source
  std::string source;
  std::string status;          // "graded" | "compile_error" | "internal_error"
  double score = 0;
  double max_score = 0;
  std::string compile_output;
  std::string created_at;      // ISO 8601 UTC, set by the store when empty
  std::string graded_at;       // ISO 8601 UTC, set by the store when empty
  std::vector<TestResultRecord> tests;
};

class Store {
 public:
  // Opens (creating if needed) the database at `path` (":memory:" for a private in-memory one),
  // enables WAL, foreign keys and a 5 s busy timeout, and applies pending migrations.
  // Errors: kInternal naming `path` when the file cannot be opened or created, or a migration
  // fails; kInvalidArgument when the database's schema is newer than this build knows.
  static base::StatusOr<std::unique_ptr<Store>> Open(const std::string& path);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The schema version after Open()'s migrations (the latest this build knows).
  int SchemaVersion() const;

  // Writes the submission and all its test results (tests[i] at position i) in one transaction;
  // returns the new id. `id` is ignored; empty created_at / graded_at are set to now
  // ("2026-11-28T18:00:00.123Z"). On any error (e.g. a value breaking a schema constraint:
  // status, visibility) nothing is written and kInternal names the submission and the test.
  // `in_transaction`, when given, runs inside the same transaction after the rows are written,
  // with the new id (e.g. to link a batch item or a cache entry); if it throws, nothing is
  // written and the exception's text is in the returned kInternal.
  using InTransaction = std::function<void(SQLite::Database&, int64_t submission_id)>;
  base::StatusOr<int64_t> RecordSubmission(const SubmissionRecord& submission,
                                           const InTransaction& in_transaction = nullptr);
  // The submission with its tests in position order; kNotFound for an unknown id.
  base::StatusOr<SubmissionRecord> GetSubmission(int64_t id) const;
  // At most `limit` submissions, most recent (highest id) first; an empty learner matches every
  // learner. The records come WITHOUT their tests (`tests` is empty): use GetSubmission for them.
  // REQUIRES: limit > 0 (kInvalidArgument otherwise).
  base::StatusOr<std::vector<SubmissionRecord>> ListSubmissions(const std::string& learner,
                                                                 int64_t limit) const;

  // For tests and later modules: the underlying connection.
  SQLite::Database& database() { return *database_; }

 private:
  Store(std::unique_ptr<SQLite::Database> database, int schema_version);
  std::unique_ptr<SQLite::Database> database_;
  int schema_version_;
};

}  // namespace db
