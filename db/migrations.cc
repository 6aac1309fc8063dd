#include "db/migrations.h"

#include <array>
#include <exception>
#include <regex>
#include <string>

namespace db {
namespace {

// The schema, one script per version. Append new migrations at the end; never edit or reorder
// one that has shipped (databases in the field have already applied it).
constexpr std::array<const char*, 5> kMigrations = {
    // 1: submissions and their per-test results.
    R"sql(
CREATE TABLE submissions (
  id INTEGER PRIMARY KEY,
  learner TEXT NOT NULL,
  problem_id TEXT NOT NULL,
  problem_version INTEGER NOT NULL,
  source_hash TEXT NOT NULL,
  source TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('graded', 'compile_error', 'internal_error')),
  score REAL NOT NULL,
  max_score REAL NOT NULL,
  compile_output TEXT NOT NULL,
  created_at TEXT NOT NULL,
  graded_at TEXT NOT NULL
);
CREATE INDEX submissions_by_learner_problem ON submissions (learner, problem_id);
CREATE INDEX submissions_by_source_hash ON submissions (source_hash);
CREATE TABLE test_results (
  submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  entry TEXT NOT NULL,
  visibility TEXT NOT NULL CHECK (visibility IN ('visible', 'hidden')),
  verdict TEXT NOT NULL CHECK (verdict <> ''),
  score REAL NOT NULL,
  max_score REAL NOT NULL,
  message TEXT NOT NULL,
  max_rel_error REAL NULL,
  cpu_time_ms INTEGER NOT NULL,
  wall_time_ms INTEGER NOT NULL,
  peak_memory_bytes INTEGER NOT NULL,
  PRIMARY KEY (submission_id, position)
);
)sql",
    // 2: diagnoses of failed tests, skill evidence per submission, BKT mastery per learner.
    R"sql(
CREATE TABLE test_diagnoses (
  submission_id INTEGER NOT NULL,
  position INTEGER NOT NULL,
  misconception TEXT NULL,
  pattern TEXT NULL,
  skills TEXT NOT NULL,
  text TEXT NOT NULL,
  PRIMARY KEY (submission_id, position),
  FOREIGN KEY (submission_id, position) REFERENCES test_results (submission_id, position)
    ON DELETE CASCADE,
  CHECK ((misconception IS NULL) <> (pattern IS NULL))
);
CREATE INDEX test_diagnoses_by_misconception ON test_diagnoses (misconception);
CREATE TABLE skill_evidence (
  submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
  skill TEXT NOT NULL CHECK (skill <> ''),
  correct INTEGER NOT NULL CHECK (correct IN (0, 1)),
  source TEXT NOT NULL,
  mastery_before REAL NOT NULL CHECK (mastery_before BETWEEN 0 AND 1),
  mastery_after REAL NOT NULL CHECK (mastery_after BETWEEN 0 AND 1),
  PRIMARY KEY (submission_id, skill)
);
CREATE TABLE skill_mastery (
  learner TEXT NOT NULL,
  skill TEXT NOT NULL,
  p_mastery REAL NOT NULL CHECK (p_mastery BETWEEN 0 AND 1),
  observations INTEGER NOT NULL CHECK (observations >= 0),
  correct INTEGER NOT NULL CHECK (correct >= 0),
  last_submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (learner, skill)
);
)sql",
    // 3: the result cache and resumable batch runs (issue 6).
    R"sql(
CREATE TABLE result_cache (
  cache_key TEXT PRIMARY KEY,
  submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL
);
CREATE TABLE batch_runs (
  id INTEGER PRIMARY KEY,
  run_key TEXT NOT NULL UNIQUE,
  problem_id TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT NULL
);
CREATE TABLE batch_items (
  run_id INTEGER NOT NULL REFERENCES batch_runs (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  learner TEXT NOT NULL,
  file TEXT NOT NULL,
  late INTEGER NOT NULL CHECK (late IN (0, 1)),
  source_hash TEXT NOT NULL,
  submission_id INTEGER NULL REFERENCES submissions (id),
  cache_hit INTEGER NOT NULL DEFAULT 0 CHECK (cache_hit IN (0, 1)),
  elapsed_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, position),
  UNIQUE (run_id, learner)
);
)sql",
    // 4: the service's durable queue and outbox (issue 13, docs/service.md).
    R"sql(
CREATE TABLE service_jobs (
  id INTEGER PRIMARY KEY,
  webhook_id TEXT NOT NULL UNIQUE,
  problem_id TEXT NOT NULL,
  learner TEXT NOT NULL,
  source TEXT NOT NULL,
  callback_url TEXT NULL,
  lti TEXT NULL,
  metadata TEXT NULL,
  status TEXT NOT NULL
    CHECK (status IN ('queued', 'running', 'graded', 'compile_error', 'internal_error')),
  lease_owner TEXT NULL,
  lease_expires_ms INTEGER NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  submission_id INTEGER NULL REFERENCES submissions (id),
  error TEXT NOT NULL DEFAULT '',
  grading_ms INTEGER NULL,
  created_at TEXT NOT NULL,
  finished_at TEXT NULL
);
CREATE INDEX service_jobs_by_status ON service_jobs (status, id);
CREATE TABLE outbox (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES service_jobs (id),
  kind TEXT NOT NULL CHECK (kind IN ('callback', 'lti_score')),
  target TEXT NOT NULL,
  platform TEXT NULL,
  payload TEXT NOT NULL,
  delivery_id TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  last_error TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  finished_at TEXT NULL,
  UNIQUE (job_id, kind)
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_ms);
)sql",
    // 5: what every host of one deployment must agree on (issue 16, docs/scale-out.md): the
    // secret's fingerprint and the problem set's versions, recorded by the first to start.
    R"sql(
CREATE TABLE deployment (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_at TEXT NOT NULL
);
)sql",
};

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";

// Any number: serialises migrations between processes on PostgreSQL (pg_advisory_xact_lock).
constexpr int64_t kMigrationLockKey = 0x67726164;  // "grad"

// Throws; callers convert at the API boundary.
int ReadVersionOrThrow(Connection& database) {
  if (!database.TableExists("schema_migrations")) return 0;
  Statement query(database, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  query.Step();
  return query.Column(0).Int();
}

base::Status NewerThanBuild(int version) {
  return base::Status::InvalidArgument("database schema version " + std::to_string(version) +
                                       " is newer than the latest this build knows (" +
                                       std::to_string(LatestSchemaVersion()) +
                                       "); use a newer grader");
}

}  // namespace

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

std::string ForDialect(const std::string& sqlite_ddl, Dialect dialect) {
  if (dialect == Dialect::kSqlite) return sqlite_ddl;
  std::string ddl = sqlite_ddl;
  // Order matters: the row id first, then the remaining INTEGER columns.
  ddl = std::regex_replace(ddl, std::regex(R"(\bid INTEGER PRIMARY KEY\b)"),
                           "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY");
  ddl = std::regex_replace(ddl, std::regex(R"(\bINTEGER\b)"), "BIGINT");
  ddl = std::regex_replace(ddl, std::regex(R"(\bREAL\b)"), "DOUBLE PRECISION");
  ddl = std::regex_replace(ddl, std::regex(R"(\bBLOB\b)"), "BYTEA");
  return ddl;
}

base::StatusOr<int> ReadSchemaVersion(Connection& database) {
  try {
    return ReadVersionOrThrow(database);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading schema version: ") + e.what());
  }
}

base::StatusOr<int> ApplyMigrations(Connection& database) {
  int version = 0;
  try {
    version = ReadVersionOrThrow(database);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("reading schema version: ") + e.what());
  }
  if (version > LatestSchemaVersion()) return NewerThanBuild(version);

  while (version < LatestSchemaVersion()) {
    const int next = version + 1;
    try {
      // The transaction takes the write lock up front (SQLite: IMMEDIATE; PostgreSQL: an
      // advisory lock), and the version is re-read under it, so two processes opening the same
      // database at once never apply the same migration twice.
      Transaction transaction(database);
      if (database.dialect() == Dialect::kPostgres) {
        Statement lock(database, "SELECT pg_advisory_xact_lock(?)");
        lock.Bind(1, kMigrationLockKey);
        lock.Step();
      }
      database.ExecScript(ForDialect(kCreateMigrationsTable, database.dialect()));
      version = ReadVersionOrThrow(database);
      if (version > LatestSchemaVersion()) return NewerThanBuild(version);
      if (version >= next) continue;  // another connection got there first
      database.ExecScript(
          ForDialect(kMigrations[static_cast<size_t>(version)], database.dialect()));
      Statement record(database, std::string("INSERT INTO schema_migrations (version, applied_at) "
                                             "VALUES (?, ") +
                                     NowSql(database.dialect()) + ")");
      record.Bind(1, next);
      record.Exec();
      transaction.Commit();
      version = next;
    } catch (const std::exception& e) {
      return base::Status::Internal("applying schema migration " + std::to_string(next) + ": " +
                                    e.what());
    }
  }
  return version;
}

}  // namespace db
