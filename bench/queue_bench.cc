// The scale-out queue benchmark (issue 16, docs/scale-out.md): SQLite against PostgreSQL on this
// machine, in one run, so that the ratios hold although the machine is shared.
//   throughput  cache-hit submissions (no compiles: the queue, not the compiler) through an
//               intake server (`grader serve`, workers = 0) and W `grader worker` processes:
//               SQLite with 2 workers (the baseline), PostgreSQL with 2 and with 4. The workers
//               first grade one submission each (the one compile fills the result cache), are
//               stopped (SIGSTOP) while N identical submissions are posted, then continued: the
//               figure is N / the time until /metrics counts them all graded.
//   db cost     on PostgreSQL, over that same window: the server's CPU time (every process of
//               the cluster) and its transactions, per job. The estimate of how many grading
//               hosts one PostgreSQL feeds starts from this (docs/scale-out.md).
//   take        db::LeaseJob latency, p50 and p99, of 4 threads (each its own connection, as 4
//               workers) competing for M queued jobs, each finished at once: SQLite, PostgreSQL.
// PostgreSQL is a cluster of the benchmark's own (scripts/pg-test-server.sh --durable: fsync on,
// as in production); SQLite is the data directory's file with its usual settings.
// Usage: queue_bench [--jobs N] [--take-jobs M] [--threads T]   ($GRADER_CACHE: default the
// build's test-cache)
#include <fcntl.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
#include "db/service_jobs.h"
#include "db/store.h"
#include "service/webhook_signature.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using bench::Percentile;
using bench::RandomHex;
using bench::ReadFile;
using bench::WriteSecret;
using Clock = std::chrono::steady_clock;

struct Options {
  int jobs = 600;        // cache-hit submissions per throughput run
  int take_jobs = 2000;  // queued jobs the take-latency threads drain
  int threads = 8;       // client threads posting
};

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// The whole stdout of a shell command; empty on failure.
std::string Run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
  if (pclose(pipe) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// A child process with its stdout on a pipe (read the first line with FirstLine) and stderr
// into `log`.
class Child {
 public:
  Child(std::vector<std::string> args, const fs::path& log) {
    int out[2];
    if (pipe(out) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    out_ = out[0];
  }
  ~Child() {
    Stop(SIGKILL);
    if (reader_.joinable()) reader_.join();
  }
  // The first line of stdout; the rest is drained in the background.
  std::string FirstLine() {
    std::string line;
    char c;
    while (read(out_, &c, 1) == 1 && c != '\n') line += c;
    reader_ = std::thread([fd = out_] {
      char buffer[4096];
      while (read(fd, buffer, sizeof buffer) > 0) {
      }
      close(fd);
    });
    return line;
  }
  void Signal(int signal) const {
    if (pid_ > 0) kill(pid_, signal);
  }
  void Stop(int signal) {
    if (pid_ <= 0) return;
    kill(pid_, SIGCONT);
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  bool running() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::thread reader_;
};

// The benchmark's PostgreSQL: its URL and the CPU time its processes have used.
class Postgres {
 public:
  explicit Postgres(fs::path dir) : dir_(std::move(dir)) {
    url_ = Run(script() + " start " + dir_.string() + " --durable");
  }
  ~Postgres() { Run(script() + " stop " + dir_.string()); }
  bool ok() const { return !url_.empty(); }
  // A fresh database of its own, and its URL.
  std::string NewDatabase(const std::string& name) {
    Run("psql '" + url_ + "' -X -q -c 'CREATE DATABASE " + name + "'");
    std::string url = url_;
    url.replace(url.find("///grader?"), 10, "///" + name + "?");
    return url;
  }
  // utime + stime of the postmaster, its live children and its reaped ones, in seconds.
  double CpuSeconds() const {
    std::string cluster = ReadFile(dir_ / "cluster");
    cluster = cluster.substr(0, cluster.find('\n'));
    const std::string postmaster = ReadFile(fs::path(cluster) / "data/postmaster.pid");
    const long pid = std::stol(postmaster.substr(0, postmaster.find('\n')));
    double ticks = 0;
    for (const auto& entry : fs::directory_iterator("/proc")) {
      const std::string name = entry.path().filename();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      const std::string stat = ReadFile(entry.path() / "stat");
      const size_t paren = stat.rfind(')');
      if (paren == std::string::npos) continue;
      std::istringstream fields(stat.substr(paren + 2));
      std::vector<std::string> f((std::istream_iterator<std::string>(fields)),
                                 std::istream_iterator<std::string>());
      // After the comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14).
      if (f.size() < 15) continue;
      const long self = std::stol(name);
      if (self == pid)
        ticks += std::stod(f[11]) + std::stod(f[12]) + std::stod(f[13]) + std::stod(f[14]);
      else if (std::stol(f[1]) == pid)
        ticks += std::stod(f[11]) + std::stod(f[12]);
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

 private:
  std::string script() const {
    return std::string(GRADER_SOURCE_DIR) + "/scripts/pg-test-server.sh";
  }
  fs::path dir_;
  std::string url_;
};

// What the PostgreSQL server spent: CPU seconds of its processes, transactions of one database.
// A difference of samples is a cost; at_s (when it was taken) only orders them.
struct DbSample {
  double cpu_s = 0;
  double commits = 0;
  double rollbacks = 0;
  double at_s = 0;
  DbSample operator-(const DbSample& o) const {
    return {cpu_s - o.cpu_s, commits - o.commits, rollbacks - o.rollbacks, at_s};
  }
  DbSample operator*(double k) const { return {cpu_s * k, commits * k, rollbacks * k, at_s}; }
  DbSample operator/(double k) const { return {cpu_s / k, commits / k, rollbacks / k, at_s}; }
};

// Samples through one connection of its own, kept open (a new one would cost a backend start).
class DbMeter {
 public:
  DbMeter(const Postgres& postgres, const std::string& url) : postgres_(postgres) {
    auto store = db::Store::Open(url);
    if (store.ok()) store_ = std::move(*store);
  }
  // Statistics reach pg_stat_database when a backend flushes them, within a second of its
  // last transaction: each sample waits for that first.
  DbSample Sample() {
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    DbSample sample;
    sample.at_s = Seconds(Clock::now().time_since_epoch());
    sample.cpu_s = postgres_.CpuSeconds();
    if (store_) {
      db::Statement query(store_->connection(),
                          "SELECT xact_commit, xact_rollback FROM pg_stat_database "
                          "WHERE datname = current_database()");
      if (query.Step()) {
        sample.commits = static_cast<double>(query.Column(0).Int64());
        sample.rollbacks = static_cast<double>(query.Column(1).Int64());
      }
    }
    return sample;
  }

 private:
  const Postgres& postgres_;
  std::unique_ptr<db::Store> store_;
};

httplib::Headers Signed(const std::string& key, const std::string& id, const std::string& body) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  return {{"webhook-id", id},
          {"webhook-timestamp", std::to_string(now)},
          {"webhook-signature", service::SignWebhook(key, id, now, body)}};
}

// Graded jobs as /metrics counts them (grader_jobs{status="graded"} N); -1 when unreadable.
int64_t GradedJobs(httplib::Client& client) {
  auto response = client.Get("/metrics");
  if (!response || response->status != 200) return -1;
  const std::string key = "grader_jobs{status=\"graded\"} ";
  const size_t at = response->body.find(key);
  return at == std::string::npos ? -1 : std::stoll(response->body.substr(at + key.size()));
}

struct Throughput {
  double jobs_per_s = 0;
  double db_cpu_ms_per_job = 0;        // PostgreSQL only
  double db_commits_per_job = 0;       // PostgreSQL only
  double db_rollbacks_per_job = 0;     // PostgreSQL only
  double background_cpu_ms_per_s = 0;  // PostgreSQL only: the database's cost of an idle service
  bool ok = false;
};

// One throughput run: intake + `workers` worker processes on `database` ("" = the data
// directory's SQLite file).
Throughput MeasureThroughput(const Options& options, const fs::path& root, int workers,
                             const std::string& database, Postgres* postgres) {
  const fs::path grader = GRADER_BINARY;
  // Only relu and its prerequisite: every process loads (and on a cache miss compiles) each pack.
  const fs::path sources = fs::path(GRADER_SOURCE_DIR) / "problems";
  const fs::path problems = root / "problems";
  fs::create_directories(problems);
  for (const char* id : {"relu", "linear_forward"})
    fs::create_directory_symlink(sources / id, problems / id);
  fs::copy_file(sources / "skills.toml", problems / "skills.toml");
  const std::string solution = ReadFile(sources / "relu/solution.cpp");
  fs::create_directories(root / "data");
  const std::string key = "queue bench key " + RandomHex(8);
  WriteSecret(root / "intake.secret", "whsec_" + service::Base64Encode(key));
  WriteSecret(root / "api.token", "bench-token");
  std::ofstream(root / "service.toml")
      << "listen = \"127.0.0.1:0\"\nworkers = 0\nwebhook_secret_file = \"intake.secret\"\n"
         "api_token_file = \"api.token\"\nmax_queue = 1000000\nlease_seconds = 30\n";
  std::vector<std::string> global = {grader.string(), "--data-dir", (root / "data").string(),
                                     "--problems", problems.string()};
  if (!database.empty()) global.insert(global.end(), {"--database", database});
  auto command = [&](std::vector<std::string> tail) {
    std::vector<std::string> args = global;
    args.insert(args.end(), tail.begin(), tail.end());
    return args;
  };

  Throughput result;
  Child intake(command({"serve", "--config", (root / "service.toml").string()}),
               root / "intake.log");
  const std::string line = intake.FirstLine();
  if (line.find("listening on") == std::string::npos) {
    std::fprintf(stderr, "intake did not start (%s)\n", (root / "intake.log").c_str());
    return result;
  }
  const int port = std::stoi(line.substr(line.rfind(':') + 1));
  std::vector<std::unique_ptr<Child>> pool;
  for (int w = 1; w <= workers; ++w) {
    pool.push_back(
        std::make_unique<Child>(command({"worker", "--config", (root / "service.toml").string(),
                                         "--id", "w" + std::to_string(w)}),
                                root / ("worker" + std::to_string(w) + ".log")));
  }
  httplib::Client client("127.0.0.1", port);
  auto post = [&](httplib::Client& c, const std::string& id, const std::string& learner) {
    const std::string body = bench::ReluSubmissionBody(learner, solution);
    auto response = c.Post("/v1/submissions", Signed(key, id, body), body, "application/json");
    return response && response->status == 202;
  };
  auto wait_graded = [&](int64_t count, std::chrono::seconds limit, int* polls = nullptr) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
      if (polls != nullptr) ++*polls;
      if (GradedJobs(client) >= count) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  };
  // Warm-up: the one compile (fills the result cache), then one hit per worker.
  const int warm = 1 + workers;
  bool warmed = post(client, "msg_warm_0", "warm0") && wait_graded(1, std::chrono::seconds(600));
  for (int i = 1; i < warm && warmed; ++i)
    warmed = post(client, "msg_warm_" + std::to_string(i), "warm");
  if (!warmed || !wait_graded(warm, std::chrono::seconds(120))) {
    std::fprintf(stderr, "warm-up failed (logs in %s)\n", root.c_str());
    return result;
  }

  for (auto& worker : pool) worker->Signal(SIGSTOP);
  std::atomic<int> next{0}, failed{0};
  std::vector<std::thread> posters;
  for (int t = 0; t < options.threads; ++t) {
    posters.emplace_back([&] {
      httplib::Client c("127.0.0.1", port);
      for (int i = next++; i < options.jobs; i = next++) {
        if (!post(c, "msg_hit_" + std::to_string(i), "learner" + std::to_string(i % 100))) ++failed;
      }
    });
  }
  for (std::thread& t : posters) t.join();
  if (failed > 0) std::fprintf(stderr, "%d posts failed\n", failed.load());

  // The database's cost over the window, less what it spends anyway: the intake's outbox
  // dispatcher polls (a constant rate, measured on the idle queue with the workers stopped) and
  // the /metrics polls that watch the run (measured per poll).
  std::optional<DbMeter> meter;
  if (postgres != nullptr) meter.emplace(*postgres, database);
  DbSample background_per_s, per_poll;
  if (meter) {
    const DbSample idle_start = meter->Sample();
    const DbSample idle_end = meter->Sample();
    background_per_s = (idle_end - idle_start) / (idle_end.at_s - idle_start.at_s);
    for (int i = 0; i < 50; ++i) GradedJobs(client);
    const DbSample polled = meter->Sample();
    per_poll = (polled - idle_end - background_per_s * (polled.at_s - idle_end.at_s)) / 50;
  }
  const DbSample before = meter ? meter->Sample() : DbSample{};
  const auto start = Clock::now();
  for (auto& worker : pool) worker->Signal(SIGCONT);
  int polls = 0;
  const bool all = wait_graded(warm + options.jobs - failed, std::chrono::seconds(900), &polls);
  const double seconds = Seconds(Clock::now() - start);
  for (auto& worker : pool) worker->Signal(SIGSTOP);  // their idle polls are not the jobs' cost
  const int jobs = options.jobs - failed;
  if (meter) {
    const DbSample after = meter->Sample();
    const DbSample used =
        after - before - per_poll * polls - background_per_s * (after.at_s - before.at_s);
    result.db_cpu_ms_per_job = used.cpu_s * 1000 / jobs;
    result.db_commits_per_job = used.commits / jobs;
    result.db_rollbacks_per_job = used.rollbacks / jobs;
    result.background_cpu_ms_per_s = background_per_s.cpu_s * 1000;
  }
  result.ok = all;
  result.jobs_per_s = jobs / seconds;
  for (auto& worker : pool) worker->Stop(SIGTERM);
  intake.Stop(SIGTERM);
  return result;
}

struct TakeLatency {
  double p50_ms = 0, p99_ms = 0;
  int64_t taken = 0;
  int errors = 0;
  std::string first_error;
};

// 4 competing takers: each its own Store, LeaseJob then FinishJobWithError, until none is due.
TakeLatency MeasureTake(const Options& options, const std::string& url, int takers) {
  TakeLatency result;
  auto setup = db::Store::Open(url);
  if (!setup.ok()) {
    std::fprintf(stderr, "open %s: %s\n", url.c_str(), setup.status().message().c_str());
    result.errors = 1;
    return result;
  }
  for (int from = 0; from < options.take_jobs; from += 200) {
    std::vector<db::NewJob> batch;
    for (int i = from; i < std::min(options.take_jobs, from + 200); ++i) {
      batch.push_back({"msg_take_" + std::to_string(i), "relu", "learner" + std::to_string(i % 100),
                       "int main() {}", std::nullopt, std::nullopt, std::nullopt});
    }
    if (!db::EnqueueJobs(**setup, batch, 1 << 30).ok()) ++result.errors;
  }
  std::mutex mutex;
  std::vector<double> all;
  std::vector<std::thread> pool;
  for (int t = 0; t < takers; ++t) {
    pool.emplace_back([&, t] {
      auto store = db::Store::Open(url);
      if (!store.ok()) {
        std::lock_guard lock(mutex);
        ++result.errors;
        return;
      }
      const std::string owner = "taker" + std::to_string(t);
      std::vector<double> mine;
      int64_t taken = 0;
      int errors = 0;
      std::string first_error;
      for (;;) {
        const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
        const auto before = Clock::now();
        auto job = db::LeaseJob(**store, owner, 60000, 3, now_ms);
        mine.push_back(Seconds(Clock::now() - before) * 1000);
        if (!job.ok()) {
          if (first_error.empty()) first_error = job.status().message();
          if (++errors > 100) break;
          continue;
        }
        if (!job->has_value()) break;
        ++taken;
        db::JobFinish finish;
        finish.job_id = (*job)->id;
        finish.owner = owner;
        finish.now_ms = now_ms;
        finish.outbox = [](const db::FinishedSubmission&) { return std::vector<db::OutboxRow>{}; };
        if (base::Status s = db::FinishJobWithError(**store, finish, "queue bench", 1); !s.ok()) {
          if (first_error.empty()) first_error = s.message();
          ++errors;
        }
      }
      std::lock_guard lock(mutex);
      result.taken += taken;
      result.errors += errors;
      if (result.first_error.empty()) result.first_error = first_error;
      all.insert(all.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& t : pool) t.join();
  result.p50_ms = Percentile(all, 0.5);
  result.p99_ms = Percentile(all, 0.99);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--jobs") options.jobs = std::stoi(argv[i + 1]);
    if (flag == "--take-jobs") options.take_jobs = std::stoi(argv[i + 1]);
    if (flag == "--threads") options.threads = std::stoi(argv[i + 1]);
  }
  const fs::path root = fs::temp_directory_path() / ("queue-bench-" + RandomHex(4));
  // The compile caches of the tests, kept between runs: a fresh one costs minutes of compiling.
  setenv("GRADER_CACHE", BENCH_CACHE_DIR, /*overwrite=*/0);
  fs::create_directories(root);
  double load[3] = {0, 0, 0};
  getloadavg(load, 3);
  std::printf(
      "queue_bench: %d cache-hit jobs per run, %d jobs for the take latency, %u cores, "
      "load average %.1f\n",
      options.jobs, options.take_jobs, std::thread::hardware_concurrency(), load[0]);
  Postgres postgres(root / "postgres");
  if (!postgres.ok()) return std::fprintf(stderr, "PostgreSQL did not start\n"), 1;

  const Throughput sqlite2 = MeasureThroughput(options, root / "sqlite2", 2, "", nullptr);
  const Throughput pg2 =
      MeasureThroughput(options, root / "pg2", 2, postgres.NewDatabase("bench_pg2"), &postgres);
  const Throughput pg4 =
      MeasureThroughput(options, root / "pg4", 4, postgres.NewDatabase("bench_pg4"), &postgres);
  if (!sqlite2.ok || !pg2.ok || !pg4.ok) {
    std::fprintf(stderr, "a throughput run did not finish (logs in %s)\n", root.c_str());
    return 1;
  }
  std::printf("throughput  SQLite 2 workers %7.1f jobs/s (baseline)\n", sqlite2.jobs_per_s);
  for (const auto& [name, run] : {std::pair{"2 workers", pg2}, std::pair{"4 workers", pg4}}) {
    std::printf(
        "throughput  PostgreSQL %s %7.1f jobs/s  ratio %.2f  db %.2f CPU ms/job, %.1f "
        "commits + %.1f rollbacks/job; idle service %.1f CPU ms/s\n",
        name, run.jobs_per_s, run.jobs_per_s / sqlite2.jobs_per_s, run.db_cpu_ms_per_job,
        run.db_commits_per_job, run.db_rollbacks_per_job, run.background_cpu_ms_per_s);
  }

  const TakeLatency sqlite_take = MeasureTake(options, "sqlite:" + (root / "take.db").string(), 4);
  const TakeLatency pg_take = MeasureTake(options, postgres.NewDatabase("bench_take"), 4);
  for (const auto& [name, take] :
       {std::pair{"SQLite    ", sqlite_take}, std::pair{"PostgreSQL", pg_take}}) {
    std::printf(
        "take        %s 4 takers: p50 %6.2f ms  p99 %6.2f ms  (%lld taken, %d errors%s%s)\n", name,
        take.p50_ms, take.p99_ms, static_cast<long long>(take.taken), take.errors,
        take.errors ? ", first: " : "", take.first_error.c_str());
  }
  std::printf("take        PostgreSQL / SQLite: p50 %.2f, p99 %.2f\n",
              pg_take.p50_ms / sqlite_take.p50_ms, pg_take.p99_ms / sqlite_take.p99_ms);
  fs::remove_all(root);
  // SQLite's takers can give up ("database is locked" after the 5 s busy timeout) on a loaded
  // machine: a finding, printed above. PostgreSQL's must not.
  return pg_take.errors == 0 ? 0 : 1;
}
