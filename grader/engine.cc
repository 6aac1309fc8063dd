#include "grader/engine.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>

#include "grader/batch/run_store.h"
#include "grader/record.h"
#include "grader/run_lock.h"
#include "grader/secret.h"

namespace grader {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

fs::path DefaultWorkParent() {
  const char* tmp = std::getenv("TMPDIR");
  return (tmp != nullptr && *tmp != '\0') ? fs::path(tmp) : fs::path("/tmp");
}

}  // namespace

Engine::~Engine() = default;

base::StatusOr<std::unique_ptr<Engine>> Engine::Open(EngineOptions options) {
  std::unique_ptr<Engine> engine(new Engine());
  auto data_dir = OpenDataDir(options.data_dir);
  if (!data_dir.ok()) return data_dir.status();
  engine->data_dir_ = *data_dir;
  engine->database_url_ =
      options.database_url.empty() ? data_dir->database().string() : options.database_url;
  auto store = db::Store::Open(engine->database_url_);
  if (!store.ok()) return store.status();
  engine->store_ = std::move(*store);
  if (options.needs_secret) {
    // A key may be created while no result depends on it; after that, replacing a lost key
    // would silently change every hidden test's data.
    auto recorded = engine->store_->ListSubmissions("", 1);
    if (!recorded.ok()) return recorded.status();
    auto secret = LoadSecret(data_dir->secret_key(), options.init || recorded->empty());
    if (!secret.ok()) return secret.status();
    engine->secret_ = secret->key;
    engine->warnings_ = secret->warnings;
  }
  // Without a skills.toml (a private problems folder) every skill uses the default parameters.
  auto skills = LoadSkills(options.problems_dir);
  if (skills.ok() || skills.status().code() != base::StatusCode::kNotFound) {
    engine->skills_ = std::move(skills);
  }
  if (options.runner == nullptr && !options.compile_server.empty()) {
    auto runner = std::make_unique<CompileServerRunner>(options.compile_server);
    for (size_t i = 0; i < options.prestart_compile_servers; ++i) runner->servers().Prestart();
    engine->own_runner_ = std::move(runner);
    options.runner = engine->own_runner_.get();
  }
  if (options.runner == nullptr) {
    engine->own_runner_ = std::make_unique<SandboxRunner>();
    options.runner = engine->own_runner_.get();
  }
  engine->runner_ = options.runner;
  engine->builder_ =
      std::make_unique<ProgramBuilder>(*engine->runner_, options.source_root, data_dir->cache());
  engine->builder_->OnPreparing(options.on_preparing);
  engine->work_parent_ = options.work_parent.empty() ? DefaultWorkParent() : options.work_parent;
  return engine;
}

GradeContext Engine::context() const {
  return GradeContext{runner_, builder_.get(), secret_, work_parent_};
}

SkillCatalog Engine::SkillsOrDefault() const { return skills_.ok() ? *skills_ : SkillCatalog(); }

base::StatusOr<GradeOutcome> Engine::Grade(const ProblemSpec& problem, const std::string& learner,
                                           const std::string& source, bool use_cache,
                                           const CachedGrader::AddLinks& add_links) {
  if (!skills_.ok()) return skills_.status();
  auto grader = CachedGrader::Create(problem, context(), use_cache, SkillsOrDefault());
  if (!grader.ok()) return base::Status::Internal(grader.status().message());
  auto graded = grader->GradeAndRecord(*store_, learner, source, add_links);
  if (!graded.ok()) {
    return base::Status::Internal(std::string(kRecordingFailed) + graded.status().message());
  }
  return graded;
}

base::StatusOr<BatchOutcome> Engine::GradeBatch(const ProblemSpec& problem,
                                                const std::vector<batch::Submission>& submissions,
                                                const std::string& source,
                                                const BatchSettings& settings) {
  if (!skills_.ok()) return skills_.status();
  // Before anything is compiled: a second batch of the same inputs would grade everything
  // again and lose every race to link an item (docs/batch.md).
  auto lock = RunLock::TryAcquire(data_dir_.root / "locks",
                                  "batch-" + Sha256Hex(problem.id + '\0' + source).substr(0, 32),
                                  "a batch of " + source + " for problem " + problem.id);
  if (!lock.ok()) return lock.status();
  // One connection per worker (stores[0] is also the supervisor's, used while no worker runs).
  std::vector<std::unique_ptr<db::Store>> stores;
  auto open_store = [&]() -> base::Status {
    auto store = db::Store::Open(database_url_, db::Store::Sync::kNormal);
    if (!store.ok()) return store.status();
    stores.push_back(std::move(*store));
    return base::Status::Ok();
  };
  RETURN_IF_ERROR(open_store());
  auto grader = CachedGrader::Create(problem, context(), settings.use_cache && !settings.regrade,
                                     SkillsOrDefault());
  if (!grader.ok()) return base::Status::Internal(grader.status().message());

  const std::string nonce =
      settings.regrade
          ? std::to_string(std::chrono::system_clock::now().time_since_epoch().count()) + "." +
                std::to_string(::getpid())
          : "";
  const std::string key = batch::RunKey(problem, grader->GradingIdentity(), submissions, nonce);
  auto run_id = batch::OpenRun(*stores[0], key, problem, source, submissions);
  if (!run_id.ok()) return run_id.status();
  auto items = stores[0]->ListBatchItems(*run_id);
  if (!items.ok()) return items.status();
  std::vector<const batch::RunItem*> pending;
  for (const batch::RunItem& item : *items) {
    if (!item.submission_id) pending.push_back(&item);
  }
  const size_t workers =
      std::min(std::max<size_t>(settings.jobs, 1), std::max<size_t>(1, pending.size()));
  while (stores.size() < workers) RETURN_IF_ERROR(open_store());
  if (settings.on_start) settings.on_start(items->size(), items->size() - pending.size(), workers);

  Cancellation own_cancel;
  Cancellation& cancel = settings.cancel != nullptr ? *settings.cancel : own_cancel;
  std::atomic<size_t> done{0};
  std::mutex errors_mutex;
  BatchOutcome outcome;
  outcome.run_id = *run_id;
  PoolSettings pool{workers, settings.stop_on_signals, nullptr};
  if (settings.on_progress) pool.on_tick = [&] { settings.on_progress(done.load()); };
  outcome.interrupted = RunWorkerPool(pending.size(), pool, cancel, [&](size_t w, size_t i) {
    const batch::RunItem& item = *pending[i];
    const batch::Submission& submission = submissions[static_cast<size_t>(item.position)];
    const auto start = Clock::now();
    auto graded = grader->GradeAndRecord(
        *stores[w], submission.learner, submission.source,
        [&](bool cache_hit, db::RecordLinks* links) {
          const auto elapsed =
              std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
          links->batch_item = db::RecordLinks::BatchItem{*run_id, item.position, cache_hit,
                                                         cache_hit ? 0 : elapsed.count()};
          // After a stop, children were killed under us: this result is not the learner's.
          links->cancelled = [&] { return cancel.cancelled(); };
        });
    if (cancel.cancelled()) return;
    if (!graded.ok()) {
      std::lock_guard<std::mutex> guard(errors_mutex);
      outcome.errors.push_back(submission.file + ": " + graded.status().message());
      return;
    }
    done.fetch_add(1);
  });
  if (!outcome.interrupted && settings.on_progress) settings.on_progress(done.load());

  // Every graded item, now or before, from the database.
  items = stores[0]->ListBatchItems(*run_id);
  if (!items.ok()) return items.status();
  outcome.total = items->size();
  for (const batch::RunItem& item : *items) {
    if (!item.submission_id) continue;
    auto record = stores[0]->GetSubmission(*item.submission_id);
    if (!record.ok()) return record.status();
    batch::GradedEntry entry;
    entry.learner = item.learner;
    entry.file = item.file;
    entry.late = item.late;
    entry.submission_id = *item.submission_id;
    entry.cache_hit = item.cache_hit;
    entry.elapsed_ms = item.elapsed_ms;
    entry.result = FromRecord(*record);
    outcome.entries.push_back(std::move(entry));
  }
  if (!outcome.interrupted && outcome.entries.size() == outcome.total) {
    RETURN_IF_ERROR(stores[0]->FinishBatchRun(*run_id));
  }
  return outcome;
}

base::StatusOr<LearnerHistory> Engine::History(const std::string& learner) {
  LearnerHistory h;
  auto submissions = store_->ListSubmissions(learner, 1000000);
  if (!submissions.ok()) return submissions.status();
  h.submissions = std::move(*submissions);
  auto mastery = store_->GetMastery(learner);
  if (!mastery.ok()) return mastery.status();
  h.mastery = std::move(*mastery);
  auto misconceptions = store_->ListMisconceptions(learner, 1000000);
  if (!misconceptions.ok()) return misconceptions.status();
  h.misconceptions = std::move(*misconceptions);
  return h;
}

base::StatusOr<std::vector<Recommendation>> Engine::RecommendFor(
    const std::vector<ProblemSpec>& problems, const std::string& learner, size_t limit) {
  if (!skills_.ok()) return skills_.status();
  auto history = History(learner);
  if (!history.ok()) return history.status();
  return Recommend(problems, SkillsOrDefault(), *history, limit);
}

}  // namespace grader
