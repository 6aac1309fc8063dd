// The engine: everything that grades, built once from the options, shared by every front end
// (the `grade`, `batch`, `learner` and `recommend` commands today, the service next).
//
// Open() validates the whole data directory before anything is compiled: the directory, the
// secret key (a lost key is never replaced silently) and the database (read-only, truncated,
// damaged or newer than this build are refused). Then Grade() grades one submission and
// records it in one transaction; GradeBatch() grades a folder's submissions on a pool of
// workers, resumably, with cancellation (grader/worker_pool.h), one process per batch at a time
// (grader/run_lock.h); the queries read a learner's history and recommendations.
//
// Errors are values; their codes mean: kInvalidArgument / kNotFound the caller's input or the
// data directory is unusable as it is (nothing was compiled or recorded), kUnavailable another
// process holds the batch, kInternal the engine itself failed. Front ends map codes to what
// they return (grader/cli/exit_codes.h) in one place.
//
// Threading: an Engine is used from one thread; GradeBatch runs its own workers, each with its
// own db::Store.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "db/store.h"
#include "grader/batch/outputs.h"
#include "grader/batch/sources.h"
#include "grader/cached_grade.h"
#include "grader/data_dir.h"
#include "grader/grade.h"
#include "grader/problem_spec.h"
#include "grader/program_builder.h"
#include "grader/recommend.h"
#include "grader/runner.h"
#include "grader/skills.h"
#include "grader/worker_pool.h"

namespace grader {

// How Engine::Grade's error begins when grading finished but nothing could be recorded.
inline constexpr std::string_view kRecordingFailed = "recording the result failed: ";

struct EngineOptions {
  std::filesystem::path data_dir;  // resolved (ResolveDataDir)
  // The database (db/connection.h): "sqlite:PATH" or "postgresql://..."; empty: the data
  // directory's grader.db.
  std::string database_url;
  std::filesystem::path problems_dir;  // for skills.toml (absent: default skill parameters)
  std::filesystem::path source_root;   // holds harness/ and base/ (grader/resources.h)
  // Create secret.key even though grader.db exists (after a key was lost on purpose). A new,
  // empty data directory gets both without it.
  bool init = false;
  // The queries only read the database: they neither need nor create a secret key.
  bool needs_secret = true;
  // The sandbox seam; null: the real sandbox. Not owned: must outlive the engine.
  ProcessRunner* runner = nullptr;
  // With the real sandbox: the compile server program (grader/resources.h), which compiles with
  // clang and lld kept loaded; empty: every compile execs clang++.
  std::filesystem::path compile_server;
  // Compile servers to start at Open(), so that their loading overlaps the caller's own start-up
  // (commands that grade: one per worker that will compile at the same time).
  size_t prestart_compile_servers = 0;
  std::filesystem::path work_parent;  // private work directories; empty: $TMPDIR, else /tmp
  // Told the problem id before its one-time toolchain preparation (ProgramBuilder::OnPreparing).
  std::function<void(const std::string& problem_id)> on_preparing;
};

struct BatchSettings {
  size_t jobs = 1;  // REQUIRES: >= 1
  bool use_cache = true;
  // Grade every submission again: a new run, whatever earlier runs graded, and no cached results.
  bool regrade = false;
  bool stop_on_signals = false;    // see PoolSettings
  Cancellation* cancel = nullptr;  // optional: a caller's own way to stop the batch
  // Before grading: items in the run, items graded by an earlier run, workers.
  std::function<void(size_t total, size_t already_graded, size_t jobs)> on_start;
  std::function<void(size_t done_now)> on_progress;  // about every 200 ms
};

struct BatchOutcome {
  int64_t run_id = 0;
  size_t total = 0;                         // items in the run
  std::vector<batch::GradedEntry> entries;  // every graded item (now or before), in order
  std::vector<std::string> errors;          // "<file>: <what failed>", items left pending
  bool interrupted = false;                 // stopped: pending items remain for a rerun
};

class Engine {
 public:
  static base::StatusOr<std::unique_ptr<Engine>> Open(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // What the front end should show the operator (e.g. a key readable by others).
  const std::vector<std::string>& warnings() const { return warnings_; }
  const DataDir& data_dir() const { return data_dir_; }
  // The database every Store of this engine's users opens (EngineOptions::database_url).
  const std::string& database_url() const { return database_url_; }
  // REQUIRES: options.needs_secret.
  GradeContext context() const;
  // The skills catalog, or why skills.toml could not be read (a missing one is not an error).
  const base::StatusOr<SkillCatalog>& skills() const { return skills_; }

  // Grades `source` for `learner` (or reuses a cached result) and records it in one
  // transaction. A compile error or a sandbox failure is a result (status compile_error /
  // internal_error, recorded); an error Status means nothing was recorded.
  // REQUIRES: options.needs_secret; ValidateLearnerName(learner) and ValidateSource(source) ok.
  // `add_links` (optional) adds rows of the caller's to the recording transaction (the
  // service's job and outbox rows: CachedGrader::AddLinks).
  base::StatusOr<GradeOutcome> Grade(const ProblemSpec& problem, const std::string& learner,
                                     const std::string& source, bool use_cache,
                                     const CachedGrader::AddLinks& add_links = nullptr);

  // Grades every submission of a run, identified by the problem and the submissions; items
  // graded by an earlier, stopped run of the same inputs are not graded again. `source` names
  // where they came from (an absolute path): two batches of one source and problem never run
  // at once on one data directory (kUnavailable for the second, before anything is compiled).
  base::StatusOr<BatchOutcome> GradeBatch(const ProblemSpec& problem,
                                          const std::vector<batch::Submission>& submissions,
                                          const std::string& source, const BatchSettings& settings);

  // A learner's submissions, mastery and misconceptions. REQUIRES: a valid learner name.
  base::StatusOr<LearnerHistory> History(const std::string& learner);
  base::StatusOr<std::vector<Recommendation>> RecommendFor(const std::vector<ProblemSpec>& problems,
                                                           const std::string& learner,
                                                           size_t limit);

 private:
  Engine() = default;
  SkillCatalog SkillsOrDefault() const;

  std::vector<std::string> warnings_;
  DataDir data_dir_;
  std::string database_url_;
  std::string secret_;
  std::unique_ptr<db::Store> store_;
  base::StatusOr<SkillCatalog> skills_ = SkillCatalog();
  std::unique_ptr<ProcessRunner> own_runner_;
  ProcessRunner* runner_ = nullptr;
  std::unique_ptr<ProgramBuilder> builder_;
  std::filesystem::path work_parent_;
};

}  // namespace grader
