// db: the store. One Store owns one database connection (db/connection.h): SQLite, the embedded
// default, or PostgreSQL for scale-out (docs/scale-out.md); the schema is versioned and migrated
// forward on Open(). Every graded submission is written by RecordSubmission() in one
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
#include "db/bkt.h"
#include "db/connection.h"

namespace SQLite {
class Database;
}

namespace db {

// Why a test failed (grader/diagnosis.h): exactly one of misconception and pattern is set.
struct DiagnosisRecord {
  std::string misconception;        // a mutant id, or ""
  std::string pattern;              // a generic pattern name, or ""
  std::vector<std::string> skills;  // the misconception's skills (empty for a pattern)
  std::string text;                 // the explanation or the pattern's detail
};

// One BKT observation of a skill from a submission, with the parameters to apply.
struct SkillObservation {
  std::string skill;
  bool correct = false;
  std::string source;  // what it was attributed from: misconception ids or test names
  BktParams params;
};

// A learner's current estimate for one skill.
struct MasteryRecord {
  std::string skill;
  double p_mastery = 0;
  int64_t observations = 0;
  int64_t correct = 0;
  int64_t last_submission_id = 0;
  std::string updated_at;
};

// A diagnosed misconception, with where it was found.
struct MisconceptionRecord {
  int64_t submission_id = 0;
  std::string problem_id;
  std::string test_name;
  std::string misconception;
  std::vector<std::string> skills;
  std::string created_at;
};

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
  std::optional<DiagnosisRecord> diagnosis;
};

struct SubmissionRecord {
  int64_t id = 0;  // assigned by RecordSubmission
  std::string learner;
  std::string problem_id;
  int64_t problem_version = 0;
  std::string source_hash;  // hex SHA-256 of the source
  std::string source;
  std::string status;  // "graded" | "compile_error" | "internal_error"
  double score = 0;
  double max_score = 0;
  std::string compile_output;
  std::string created_at;  // ISO 8601 UTC, set by the store when empty
  std::string graded_at;   // ISO 8601 UTC, set by the store when empty
  std::vector<TestResultRecord> tests;
  // Applied by RecordSubmission to the learner's mastery (at most one per skill). Not read back.
  std::vector<SkillObservation> observations;
};

// A batch item (docs/batch.md, "Resuming"): one discovered submission of a run, linked to its
// submission row once graded.
struct BatchItemRecord {
  int64_t position = 0;
  std::string learner;
  std::string file;
  bool late = false;
  std::string source_hash;
  std::optional<int64_t> submission_id;  // set once graded
  bool cache_hit = false;
  int64_t elapsed_ms = 0;
};

// What RecordSubmission writes in its transaction besides the submission.
struct RecordLinks {
  // Links this batch item to the new submission; an item already linked fails the recording.
  struct BatchItem {
    int64_t run_id = 0;
    int64_t position = 0;
    bool cache_hit = false;
    int64_t elapsed_ms = 0;
  };
  std::optional<BatchItem> batch_item;
  // Non-empty: the new submission becomes the cached result for this key, unless the key has
  // one already (the first recorded stays).
  std::string cache_key;
  // Asked last, inside the transaction: true rolls everything back (kInternal "cancelled"),
  // e.g. after a stop killed the processes this result came from.
  std::function<bool()> cancelled;
  // More rows of the caller's own (e.g. the service's job and outbox rows), written inside the
  // transaction right after the submission. Throw (any std::exception) to roll everything back.
  std::function<void(Connection& connection, int64_t submission_id)> in_transaction;
};

class Store {
 public:
  // Opens the database `url` names (db/connection.h ParseDatabaseUrl) and applies pending
  // migrations. SQLite (a plain path, "sqlite:PATH", ":memory:" for a private in-memory one):
  // created if needed, with WAL, foreign keys and a 5 s busy timeout. PostgreSQL
  // ("postgresql://..."): kUnavailable when it cannot connect; `sync` does not apply.
  // Errors: kInvalidArgument naming `path` when the database is unusable as it is: newer than
  // this build knows, read-only, truncated, damaged or not a database (db/database_file.h);
  // kInternal when the file cannot be opened or created, or a migration fails.
  //
  // `sync`: kFull syncs every commit to disk. kNormal (synchronous=NORMAL in WAL mode) keeps
  // every commit atomic and durable against a crash of this process, SIGKILL included; only a
  // power loss may drop the last commits. It spares one fsync per commit, which is most of the
  // time of a batch's cache hit.
  enum class Sync { kFull, kNormal };
  static base::StatusOr<std::unique_ptr<Store>> Open(const std::string& url,
                                                     Sync sync = Sync::kFull);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // The schema version after Open()'s migrations (the latest this build knows).
  int SchemaVersion() const;

  // Writes the submission, all its test results (tests[i] at position i) and their diagnoses,
  // and applies its skill observations to the learner's BKT mastery (evidence rows and updated
  // mastery rows), all in one transaction; returns the new id. An unseen skill starts at its
  // params.prior. `id` is ignored; empty created_at / graded_at are set to now
  // ("2026-11-28T18:00:00.123Z"). On any error (e.g. a value breaking a schema constraint:
  // status, visibility) nothing is written and kInternal names the submission and the test.
  // `links` adds rows to the same transaction (see RecordLinks): all are written, or nothing.
  base::StatusOr<int64_t> RecordSubmission(const SubmissionRecord& submission,
                                           const RecordLinks& links = {});
  // The submission with its tests in position order; kNotFound for an unknown id.
  base::StatusOr<SubmissionRecord> GetSubmission(int64_t id) const;
  // At most `limit` submissions, most recent (highest id) first; an empty learner matches every
  // learner. The records come WITHOUT their tests (`tests` is empty): use GetSubmission for them.
  // REQUIRES: limit > 0 (kInvalidArgument otherwise).
  base::StatusOr<std::vector<SubmissionRecord>> ListSubmissions(const std::string& learner,
                                                                int64_t limit) const;

  // The learner's mastery per skill, by skill id. An unknown learner has none.
  base::StatusOr<std::vector<MasteryRecord>> GetMastery(const std::string& learner) const;
  // The learner's diagnosed misconceptions, most recent submission first, at most `limit`.
  // REQUIRES: limit > 0.
  base::StatusOr<std::vector<MisconceptionRecord>> ListMisconceptions(const std::string& learner,
                                                                      int64_t limit) const;

  // The result cache (docs/result-cache.md): the submission cached for `cache_key`, if any.
  base::StatusOr<std::optional<int64_t>> FindCachedResult(const std::string& cache_key) const;

  // Resumable batch runs (docs/batch.md). Finds the run with `run_key`, or creates it with
  // `items` (their submission fields ignored: all pending), in one transaction; returns its id.
  base::StatusOr<int64_t> OpenBatchRun(const std::string& run_key, const std::string& problem_id,
                                       const std::string& source,
                                       const std::vector<BatchItemRecord>& items);
  // The run's items in position order.
  base::StatusOr<std::vector<BatchItemRecord>> ListBatchItems(int64_t run_id) const;
  // Sets the run's finished_at (once).
  base::Status FinishBatchRun(int64_t run_id);

  // The connection, for the other db/ modules (service_jobs.h, outbox.h) and tests.
  Connection& connection() { return *connection_; }
  Dialect dialect() const { return connection_->dialect(); }
  // The SQLite handle, for SQLite-only tools and tests. REQUIRES: dialect() == kSqlite.
  SQLite::Database& database();

 private:
  Store(std::unique_ptr<Connection> connection, SQLite::Database* sqlite, int schema_version);
  // store_learning.cc: the diagnosis and mastery rows of one submission. Throws.
  void InsertLearningRowsOrThrow(int64_t submission_id, const SubmissionRecord& submission);
  // store_runs.cc: the rows RecordLinks asks for. Throws.
  void InsertLinksOrThrow(int64_t submission_id, const RecordLinks& links);
  std::unique_ptr<Connection> connection_;
  SQLite::Database* sqlite_;  // owned by connection_; null on PostgreSQL
  int schema_version_;
};

}  // namespace db
