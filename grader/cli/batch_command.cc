#include "grader/cli/batch_command.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "db/store.h"
#include "grader/batch/run_store.h"
#include "grader/batch/sources.h"
#include "grader/batch/summary.h"
#include "grader/cached_grade.h"
#include "grader/skills.h"
#include "grader/data_dir.h"
#include "grader/record.h"
#include "grader/resources.h"
#include "grader/runner.h"
#include "grader/secret.h"

namespace grader::cli {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;


// SIGKILLs the process group of every child of this process: the sandbox makes each child a
// group (session) leader, so its compiler's or program's own children go with it.
void KillChildren() {
  const pid_t self = ::getpid();
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return;
  while (dirent* entry = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::string(entry->d_name) + "/stat");
    std::string line;
    std::getline(stat, line);
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    int ppid = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %d", &state, &ppid) != 2) continue;
    if (ppid != self) continue;
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }
  ::closedir(proc);
}

std::string Duration(double seconds) {
  const auto s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%ld:%02ld", s / 60, s % 60);
  return buffer;
}

class Progress {
 public:
  Progress(size_t total, bool tty) : total_(total), tty_(tty), start_(Clock::now()) {}
  void Show(size_t done, bool final) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
    const double rate = elapsed > 0 ? static_cast<double>(done) / elapsed : 0;
    const double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : 0;
    char line[160];
    if (tty_) {
      const size_t width = 30;
      const size_t filled = total_ ? done * width / total_ : width;
      std::snprintf(line, sizeof(line), "\r[%s%s] %zu/%zu  %.2f/s  ETA %s ",
                    std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(),
                    done, total_, rate, Duration(eta).c_str());
      std::cerr << line << (final ? "\n" : "") << std::flush;
      return;
    }
    if (!final && Clock::now() - last_line_ < std::chrono::seconds(5)) return;
    last_line_ = Clock::now();
    std::snprintf(line, sizeof(line), "progress: %zu/%zu graded, %.2f/s, ETA %s\n", done, total_,
                  rate, Duration(eta).c_str());
    std::cerr << line << std::flush;
  }

 private:
  size_t total_;
  bool tty_;
  Clock::time_point start_;
  Clock::time_point last_line_ = Clock::now();
};

// Everything the workers share. Immutable while they run, except the atomics and the errors.
struct Shared {
  const ProblemSpec* problem;
  const CachedGrader* grader;
  std::string database;
  int64_t run_id;
  std::vector<const batch::Submission*> pending;  // by item position
  std::vector<int64_t> positions;
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  std::atomic<bool> stop{false};
  std::atomic<size_t> returned{0};  // workers that have finished
  std::mutex errors_mutex;
  std::vector<std::string> errors;
};

// Opens a store for the batch. In WAL mode, synchronous=NORMAL keeps every commit atomic and
// durable against a crash of this process (SIGKILL included); only a power loss may drop the
// last commits, which a re-run then grades again. It spares one fsync per submission, which
// was most of a cache hit's time.
base::StatusOr<std::unique_ptr<db::Store>> OpenBatchStore(const std::string& path) {
  auto store = db::Store::Open(path);
  if (!store.ok()) return store.status();
  try {
    (*store)->database().exec("PRAGMA synchronous = NORMAL");
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("configuring ") + path + ": " + e.what());
  }
  return store;
}

void Worker(Shared& shared) {
  struct CountReturn {
    Shared& shared;
    ~CountReturn() { shared.returned.fetch_add(1); }
  } count_return{shared};
  auto store = OpenBatchStore(shared.database);
  if (!store.ok()) {
    std::lock_guard<std::mutex> lock(shared.errors_mutex);
    shared.errors.push_back(store.status().message());
    return;
  }
  while (!shared.stop.load()) {
    const size_t index = shared.next.fetch_add(1);
    if (index >= shared.pending.size()) return;
    const batch::Submission& submission = *shared.pending[index];
    const int64_t position = shared.positions[index];
    const auto start = Clock::now();
    auto graded = shared.grader->GradeAndRecord(
        **store, submission.learner, submission.source,
        [&](SQLite::Database& database, int64_t submission_id, bool cache_hit) {
          // After a stop, children were killed under us: this result is not the learner's.
          if (shared.stop.load()) throw std::runtime_error("stopped");
          const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
              Clock::now() - start);
          batch::LinkItemOrThrow(database, shared.run_id, position, submission_id, cache_hit,
                                 cache_hit ? 0 : elapsed.count());
        });
    if (shared.stop.load()) return;
    if (!graded.ok()) {
      std::lock_guard<std::mutex> lock(shared.errors_mutex);
      shared.errors.push_back(submission.file + ": " + graded.status().message());
      continue;
    }
    shared.done.fetch_add(1);
  }
}

base::Status WriteOutputs(const BatchOptions& options, const ProblemSpec& problem,
                          const std::vector<batch::GradedEntry>& entries,
                          const std::vector<std::string>& skipped) {
  if (!options.csv.empty()) {
    RETURN_IF_ERROR(batch::WriteFileAtomically(options.csv, batch::CsvGradebook(problem, entries)));
  }
  if (!options.json.empty()) {
    RETURN_IF_ERROR(batch::WriteFileAtomically(
        options.json, batch::BatchJson(problem, entries, skipped).dump(2) + "\n"));
  }
  if (!options.junit.empty()) {
    RETURN_IF_ERROR(batch::WriteFileAtomically(options.junit, batch::JUnitXml(problem, entries)));
  }
  if (!options.gradescope_dir.empty()) {
    std::map<std::string, int> used;
    for (const batch::GradedEntry& e : entries) {
      std::string name = batch::SafeName(e.learner);
      if (used[name]++ > 0) name.append("_").append(std::to_string(e.submission_id));
      const fs::path dir = fs::path(options.gradescope_dir) / name;
      std::error_code ec;
      fs::create_directories(dir, ec);
      if (ec) return base::Status::InvalidArgument("cannot create " + dir.string());
      RETURN_IF_ERROR(batch::WriteFileAtomically(
          dir / "results.json", batch::GradescopeResults(problem, e).dump(2) + "\n"));
    }
  }
  return base::Status::Ok();
}

// Output files must be creatable before anything is graded.
base::Status CheckOutputPaths(const BatchOptions& options) {
  for (const std::string& file : {options.csv, options.json, options.junit}) {
    if (file.empty()) continue;
    const fs::path parent = fs::absolute(file).parent_path();
    if (!fs::is_directory(parent)) {
      return base::Status::InvalidArgument("output " + file + ": folder " + parent.string() +
                                           " does not exist");
    }
  }
  return base::Status::Ok();
}

}  // namespace

bool IsKnownFormat(const std::string& format) {
  return format == "text" || format == "json" || format == "csv" || format == "junit" ||
         format == "gradescope";
}

std::string FormatOne(const ProblemSpec& problem, const std::string& format,
                      const batch::GradedEntry& entry) {
  if (format == "csv") return batch::CsvGradebook(problem, {entry});
  if (format == "junit") return batch::JUnitXml(problem, {entry});
  return batch::GradescopeResults(problem, entry).dump(2) + "\n";
}

int Batch(const GlobalOptions& global, const BatchOptions& options) {
  if (options.jobs < 0 || options.jobs > 256) return InputError("--jobs must be 1 to 256");
  if (base::Status s = CheckOutputPaths(options); !s.ok()) return InputError(s.message());
  auto problem = FindProblem(global, options.problem);
  if (!problem.ok()) {
    return problem.status().code() == base::StatusCode::kInternal
               ? InternalError(problem.status().message())
               : InputError(problem.status().message());
  }
  auto discovery = batch::DiscoverSubmissions(options.source);
  if (!discovery.ok()) return InputError(discovery.status().message());
  for (const std::string& skipped : discovery->skipped) std::cerr << "skipped: " << skipped << "\n";
  if (discovery->submissions.empty()) {
    return InputError(options.source + ": no submissions found (" +
                      std::to_string(discovery->skipped.size()) + " file(s) skipped)");
  }
  auto data_dir = OpenDataDir(ResolveDataDir(global.data_dir));
  if (!data_dir.ok()) return InputError(data_dir.status().message());
  auto secret = LoadOrCreateSecret(data_dir->secret_key());
  if (!secret.ok()) return InternalError(secret.status().message());
  auto store = OpenBatchStore(data_dir->database().string());
  if (!store.ok()) return InternalError(store.status().message());

  SandboxRunner runner;
  ProgramBuilder builder(runner, InstalledResources().root, data_dir->cache());
  GradeContext context{&runner, &builder, *secret, WorkParent()};
  // Without a skills.toml (a private problems folder) every skill uses the default parameters.
  auto skills = LoadSkills(ProblemsRoot(global));
  if (!skills.ok() && skills.status().code() != base::StatusCode::kNotFound) {
    return InputError(skills.status().message());
  }
  auto grader = CachedGrader::Create(*problem, context, !options.no_cache,
                                     skills.ok() ? *skills : SkillCatalog());
  if (!grader.ok()) return InternalError(grader.status().message());

  const std::vector<batch::Submission>& submissions = discovery->submissions;
  const std::string key = batch::RunKey(*problem, submissions);
  auto run_id = batch::OpenRun(**store, key, *problem, fs::absolute(options.source).string(),
                               submissions);
  if (!run_id.ok()) return InternalError(run_id.status().message());
  auto items = batch::LoadItems(**store, *run_id);
  if (!items.ok()) return InternalError(items.status().message());

  Shared shared;
  shared.problem = &*problem;
  shared.grader = &*grader;
  shared.database = data_dir->database().string();
  shared.run_id = *run_id;
  for (const batch::RunItem& item : *items) {
    if (item.submission_id) continue;
    shared.pending.push_back(&submissions[static_cast<size_t>(item.position)]);
    shared.positions.push_back(item.position);
  }
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const size_t jobs = std::min<size_t>(options.jobs > 0 ? static_cast<size_t>(options.jobs) : cores,
                                       std::max<size_t>(1, shared.pending.size()));
  std::cerr << "batch: " << submissions.size() << " submission(s) of " << problem->id << ", "
            << items->size() - shared.pending.size() << " already graded, " << jobs
            << " worker(s)\n";

  // Signals are taken by the supervisor loop only (see the file comment).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::vector<std::thread> workers;
  for (size_t i = 0; i < jobs && !shared.pending.empty(); ++i) workers.emplace_back(Worker, std::ref(shared));
  Progress progress(shared.pending.size(), ::isatty(2) == 1);
  bool interrupted = false;
  const timespec tick{0, 200 * 1000 * 1000};
  while (shared.returned.load() < workers.size()) {
    if (sigtimedwait(&signals, nullptr, &tick) > 0) {
      interrupted = true;
      shared.stop.store(true);
      break;
    }
    progress.Show(shared.done.load(), false);
  }
  if (interrupted) {
    std::cerr << "\ngrader: interrupted: stopping workers\n";
    // Keep killing until every worker has returned: a worker may start a child after a sweep.
    std::atomic<bool> joined{false};
    std::thread killer([&] {
      while (!joined.load()) {
        KillChildren();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    });
    for (std::thread& w : workers) w.join();
    joined.store(true);
    killer.join();
  } else {
    for (std::thread& w : workers) w.join();
    progress.Show(shared.done.load(), true);
  }
  // Signals stay blocked until exit: a second Ctrl-C must not kill us before the outputs.

  // Outputs and summary come from the database: this run's items, graded now or before.
  items = batch::LoadItems(**store, *run_id);
  if (!items.ok()) return InternalError(items.status().message());
  std::vector<batch::GradedEntry> entries;
  for (const batch::RunItem& item : *items) {
    if (!item.submission_id) continue;
    auto record = (*store)->GetSubmission(*item.submission_id);
    if (!record.ok()) return InternalError(record.status().message());
    entries.push_back({item.learner, item.file, item.late, *item.submission_id, item.cache_hit,
                       item.elapsed_ms, FromRecord(*record)});
  }
  if (base::Status s = WriteOutputs(options, *problem, entries, discovery->skipped); !s.ok()) {
    return InputError(s.message());
  }
  std::cout << batch::Summary(*problem, entries, items->size(), discovery->skipped.size());
  for (const std::string& error : shared.errors) std::cerr << "grader: error: " << error << "\n";
  if (interrupted) {
    std::cerr << "grader: interrupted: " << entries.size() << " of " << items->size()
              << " graded; run the same command again to finish\n";
    return kExitInterrupted;
  }
  if (entries.size() == items->size()) {
    if (base::Status s = batch::MarkFinished(**store, *run_id); !s.ok()) return InternalError(s.message());
  }
  if (!shared.errors.empty() || entries.size() != items->size()) return kExitInternalError;
  for (const batch::GradedEntry& e : entries) {
    if (e.result.status == SubmissionStatus::kInternalError) return kExitInternalError;
  }
  return kExitOk;
}

}  // namespace grader::cli
