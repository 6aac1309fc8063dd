#include "service/worker.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "db/service_jobs.h"
#include "grader/problem_spec.h"
#include "grader/secret.h"
#include "service/job_outbox.h"

namespace service {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kIdlePoll = std::chrono::milliseconds(25);
constexpr auto kDeploymentCheckEvery = std::chrono::seconds(30);

std::atomic<bool> g_stop{false};
void OnStopSignal(int) { g_stop.store(true); }

void Log(const std::string& who, const std::string& message) {
  std::cerr << "grader worker " << who << ": " << message << std::endl;
}

// Renews the lease every lease/3 until stopped (the job finished).
class Heartbeat {
 public:
  Heartbeat(db::Store& store, int64_t job_id, std::string owner, int64_t lease_ms)
      : thread_([this, &store, job_id, owner = std::move(owner), lease_ms] {
          std::unique_lock<std::mutex> lock(mutex_);
          while (!wake_.wait_for(lock, std::chrono::milliseconds(lease_ms / 3),
                                 [this] { return done_; })) {
            auto renewed = db::RenewLease(store, job_id, owner, lease_ms, UnixMillis());
            if (renewed.ok() && !*renewed) return;  // taken over: our result will not count
          }
        }) {}
  ~Heartbeat() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool done_ = false;
  std::thread thread_;
};

}  // namespace

std::string HostName() {
  char host[256] = {};
  ::gethostname(host, sizeof(host) - 1);
  return host;
}

db::DeploymentFacts DeploymentFactsFor(const grader::Engine& engine,
                                       const std::vector<grader::ProblemSpec>& problems) {
  std::set<std::string> versions;
  for (const grader::ProblemSpec& p : problems)
    versions.insert(p.id + "@" + std::to_string(p.version));
  std::string listed;
  for (const std::string& v : versions) listed += (listed.empty() ? "" : " ") + v;
  // A fingerprint, never the secret: sha256 of a label and the key.
  return {
      {"secret_sha256", grader::Sha256Hex("grader deployment secret\n" + engine.context().secret)},
      {"problems", listed}};
}

int RunWorker(const WorkerOptions& options) {
  const std::string who = options.worker_id + " (pid " + std::to_string(::getpid()) + ")";
  // The server blocks these signals in its threads (to sigwait); a child inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_UNBLOCK, &signals, nullptr);
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
  if (options.supervised) {
    // A supervised worker never outlives its service: the kernel signals it when the parent
    // dies.
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() == 1) return 0;  // the parent died before the line above
  }

  auto engine = grader::Engine::Open(options.engine);
  if (!engine.ok()) {
    Log(who, engine.status().message());
    return 2;
  }
  auto problems = grader::LoadAllProblems(options.problems_dir);
  if (!problems.ok()) {
    Log(who, problems.status().message());
    return 2;
  }
  std::map<std::string, const grader::ProblemSpec*> by_id;
  for (const grader::ProblemSpec& p : *problems) by_id[p.id] = &p;
  auto store = db::Store::Open((*engine)->database_url());
  if (!store.ok()) {
    Log(who, store.status().message());
    return 2;
  }
  // The heartbeat thread's own connection (a connection is used by one thread at a time).
  auto heartbeat_store = db::Store::Open((*engine)->database_url());
  if (!heartbeat_store.ok()) {
    Log(who, heartbeat_store.status().message());
    return 2;
  }
  const db::DeploymentFacts facts = DeploymentFactsFor(**engine, *problems);
  auto agrees = [&]() -> bool {
    base::Status checked =
        db::CheckDeployment(**store, facts, "worker " + who + " on " + HostName());
    if (checked.code() == base::StatusCode::kInvalidArgument) {
      Log(who, "refusing to take jobs: " + checked.message());
      return false;
    }
    if (!checked.ok()) Log(who, checked.message());  // the database is down: checked again later
    return true;
  };
  if (!agrees()) return 3;
  auto last_check = Clock::now();
  const std::string owner =
      options.worker_id + ":" + std::to_string(::getpid()) + ":" + NewDeliveryId().substr(4, 12);
  const int64_t lease_ms = int64_t{options.config.lease_seconds} * 1000;

  while (!g_stop.load()) {
    if (Clock::now() - last_check > kDeploymentCheckEvery) {
      if (!agrees()) return 3;
      last_check = Clock::now();
    }
    // A job given up (its workers died max_attempts times) still gets its callback.
    auto give_up = [&](const db::JobRecord& dead) {
      const auto problem = by_id.find(dead.request.problem_id);
      const double max_score = problem == by_id.end() ? 0 : problem->second->MaxScore();
      return OutboxRowsFor(dead, {"internal_error", 0, max_score}, options.public_url);
    };
    auto job =
        db::LeaseJob(**store, owner, lease_ms, options.config.max_attempts, UnixMillis(), give_up);
    if (!job.ok()) {
      Log(who, job.status().message());
      std::this_thread::sleep_for(kIdlePoll * 4);
      continue;
    }
    if (!*job) {
      std::this_thread::sleep_for(kIdlePoll);
      continue;
    }
    const db::JobRecord& leased = **job;
    const auto start = Clock::now();
    std::optional<Heartbeat> heartbeat;
    heartbeat.emplace(**heartbeat_store, leased.id, owner, lease_ms);
    db::JobFinish finish;
    finish.job_id = leased.id;
    finish.owner = owner;
    finish.outbox = [&](const db::FinishedSubmission& done) {
      return OutboxRowsFor(leased, done, options.public_url);
    };
    auto elapsed_ms = [&] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
    };
    const auto problem = by_id.find(leased.request.problem_id);
    base::Status failure = base::Status::Ok();
    double max_score = 0;
    if (problem == by_id.end()) {
      failure = base::Status::NotFound("unknown problem \"" + leased.request.problem_id + "\"");
    } else {
      max_score = problem->second->MaxScore();
      auto graded = (*engine)->Grade(
          *problem->second, leased.request.learner, leased.request.source, /*use_cache=*/true,
          [&](bool, db::RecordLinks* links) {
            links->in_transaction = [&](db::Connection& database, int64_t submission_id) {
              finish.grading_ms = elapsed_ms();
              finish.now_ms = UnixMillis();
              db::FinishJobOrThrow(database, finish, submission_id);
            };
          });
      if (!graded.ok()) failure = graded.status();
      if (!graded.ok() && graded.status().message().starts_with(grader::kRecordingFailed)) {
        // Nothing was recorded (the database went away, or the lease was lost): the job is
        // due again at once (its attempt counted, so a job that can never be recorded ends
        // after max_attempts), and another taker, or this one, grades it again.
        Log(who, "job " + std::to_string(leased.id) + ": " + failure.message());
        heartbeat.reset();  // stopped first: it would extend the lease again
        (void)db::RenewLease(**store, leased.id, owner, /*lease_ms=*/-1, UnixMillis());
        continue;
      }
    }
    if (!failure.ok()) {
      finish.grading_ms = elapsed_ms();
      finish.now_ms = UnixMillis();
      // A lost lease fails here too: another worker owns the job and records its result.
      if (base::Status s = db::FinishJobWithError(**store, finish, failure.message(), max_score);
          !s.ok()) {
        Log(who, "job " + std::to_string(leased.id) + ": " + s.message());
      }
    }
  }
  return 0;
}

}  // namespace service
