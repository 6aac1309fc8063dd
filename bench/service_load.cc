// A loopback load generator for `grader serve` (issue 13): build/bench/service_load prints one line
// per figure.
// Each figure comes with a baseline measured in the same run, since these machines are shared:
//   baseline   GET /healthz from the same client threads (the HTTP stack alone)
//   intake     signed POST /v1/submissions, unique ids, grading not included (workers = 0)
//   burst      10,000 signed submissions, 20% repeated ids, 1% bad signatures, with the service
//              killed (SIGKILL) once in the middle and restarted; then counted in the database
//   class      POST -> signed callback latency for a class of distinct submissions, 2 workers,
//              against `grader grade` of one submission (the baseline) and the ideal makespan
// Usage: service_load [--threads N] [--seconds S] [--requests N] [--burst N] [--class N]
#include <SQLiteCpp/SQLiteCpp.h>
#include <httplib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/bench_util.h"
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
  int threads = 8;
  double seconds = 5;
  int requests = 20000;
  int burst = 10000;
  int class_size = 300;
};

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// A service under test: its folder, config and process.
class Service {
 public:
  Service(fs::path grader, fs::path root, int workers) : grader_(std::move(grader)), root_(root) {
    fs::create_directories(root_ / "data");
    key_ = "bench intake key " + RandomHex(8);
    WriteSecret(root_ / "intake.secret", "whsec_" + service::Base64Encode(key_));
    callback_key_ = "bench callback key " + RandomHex(8);
    WriteSecret(root_ / "callback.secret", "whsec_" + service::Base64Encode(callback_key_));
    WriteSecret(root_ / "api.token", "bench-token");
    std::ofstream(root_ / "service.toml")
        << "listen = \"127.0.0.1:0\"\nworkers = " << workers
        << "\nwebhook_secret_file = \"intake.secret\"\ncallback_secret_file = \"callback.secret\"\n"
           "api_token_file = \"api.token\"\ncallback_allow_hosts = [\"127.0.0.1\"]\n"
           "max_queue = 1000000\nlease_seconds = 5\n";
  }
  ~Service() { Kill(SIGKILL); }

  bool Start() {
    int out[2];
    if (pipe(out) != 0) return false;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    std::vector<std::string> args = {
        grader_.string(), "--data-dir", (root_ / "data").string(),
        "serve",          "--config",   (root_ / "service.toml").string()};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    if (rc != 0) return false;
    // "listening on http://127.0.0.1:PORT"
    std::string line;
    char c;
    while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
    reader_ = std::thread([fd = out[0]] {
      char buffer[4096];
      while (read(fd, buffer, sizeof buffer) > 0) {
      }
      close(fd);
    });
    const size_t colon = line.rfind(':');
    if (line.find("listening on") == std::string::npos || colon == std::string::npos) return false;
    port_ = std::stoi(line.substr(colon + 1));
    return true;
  }

  void Kill(int signal) {
    if (pid_ > 0) {
      kill(pid_, signal);
      int status = 0;
      waitpid(pid_, &status, 0);
      pid_ = -1;
    }
    if (reader_.joinable()) reader_.join();
  }

  int port() const { return port_; }
  const std::string& key() const { return key_; }
  const std::string& callback_key() const { return callback_key_; }
  fs::path database() const { return root_ / "data" / "grader.db"; }

 private:
  fs::path grader_;
  fs::path root_;
  std::string key_, callback_key_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::thread reader_;
};

struct Submission {
  std::string id;
  std::string body;
  bool bad_signature = false;
};

httplib::Headers Signed(const std::string& key, const Submission& s) {
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const std::string signature =
      s.bad_signature ? "v1,AAAA" : service::SignWebhook(key, s.id, now, s.body);
  return {{"webhook-id", s.id},
          {"webhook-timestamp", std::to_string(now)},
          {"webhook-signature", signature}};
}

struct LoadResult {
  size_t ok = 0;
  size_t failed = 0;
  double seconds = 0;
  std::vector<double> latencies_ms;
};

// Runs `request(i)` for i in [0, count) on `threads` client threads, stopping after `seconds`.
// `request` returns the HTTP status, or -1 on a connection error.
template <typename Request>
LoadResult Drive(int threads, size_t count, double seconds, Request request) {
  std::atomic<size_t> next{0};
  std::mutex mutex;
  LoadResult result;
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      std::vector<double> mine;
      size_t ok = 0, failed = 0;
      for (size_t i = next++; i < count && Clock::now() < deadline; i = next++) {
        const auto before = Clock::now();
        const int status = request(i);
        mine.push_back(Ms(Clock::now() - before));
        (status >= 200 && status < 300) ? ++ok : ++failed;
      }
      std::lock_guard lock(mutex);
      result.ok += ok;
      result.failed += failed;
      result.latencies_ms.insert(result.latencies_ms.end(), mine.begin(), mine.end());
    });
  }
  for (std::thread& t : pool) t.join();
  result.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return result;
}

void Print(const char* name, const LoadResult& r) {
  std::printf("%-9s %8.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%zu ok, %zu failed, %.1f s)\n", name,
              static_cast<double>(r.ok) / r.seconds, Percentile(r.latencies_ms, 0.5),
              Percentile(r.latencies_ms, 0.99), r.ok, r.failed, r.seconds);
}

int64_t CountRows(const fs::path& database, const std::string& sql) {
  SQLite::Database db(database.string(), SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // each figure as soon as it is measured
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--threads") options.threads = std::stoi(argv[i + 1]);
    if (flag == "--seconds") options.seconds = std::stod(argv[i + 1]);
    if (flag == "--requests") options.requests = std::stoi(argv[i + 1]);
    if (flag == "--burst") options.burst = std::stoi(argv[i + 1]);
    if (flag == "--class") options.class_size = std::stoi(argv[i + 1]);
  }
  const fs::path grader = GRADER_BINARY;
  const fs::path root = fs::temp_directory_path() / ("service-load-" + RandomHex(4));
  const std::string solution = ReadFile(fs::path(GRADER_SOURCE_DIR) / "problems/relu/solution.cpp");
  std::printf("service_load: %d client threads, %u cores\n", options.threads,
              std::thread::hardware_concurrency());

  // Intake alone: no workers, so grading takes no CPU from the HTTP path.
  {
    Service service(grader, root / "intake", 0);
    if (!service.Start()) return std::fprintf(stderr, "service did not start\n"), 1;
    const LoadResult baseline =
        Drive(options.threads, options.requests, options.seconds, [&](size_t) {
          thread_local httplib::Client client("127.0.0.1", service.port());
          auto response = client.Get("/healthz");
          return response ? response->status : -1;
        });
    Print("baseline", baseline);
    const LoadResult intake =
        Drive(options.threads, options.requests, options.seconds, [&](size_t i) {
          thread_local httplib::Client client("127.0.0.1", service.port());
          const Submission s{
              "msg_load_" + std::to_string(i),
              bench::ReluSubmissionBody("learner" + std::to_string(i % 300), solution)};
          auto response =
              client.Post("/v1/submissions", Signed(service.key(), s), s.body, "application/json");
          return response ? response->status : -1;
        });
    Print("intake", intake);
    std::printf("intake/baseline throughput ratio %.2f (goal >= 2000 accepted/s, p99 <= 20 ms)\n",
                (static_cast<double>(intake.ok) / intake.seconds) /
                    (static_cast<double>(baseline.ok) / baseline.seconds));
  }

  // The burst, with one SIGKILL of the whole service in the middle; clients retry what failed.
  {
    Service service(grader, root / "burst", 0);
    if (!service.Start()) return std::fprintf(stderr, "service did not start\n"), 1;
    std::vector<Submission> burst;
    std::vector<size_t> good;  // indices of first-time, well-signed submissions
    std::set<std::string> unique_good;
    std::mt19937 rng(42);
    for (int i = 0; i < options.burst; ++i) {
      if (!good.empty() && rng() % 100 < 20) {  // a repeated id: the same request again
        burst.push_back(burst[good[rng() % good.size()]]);
        continue;
      }
      Submission s;
      s.bad_signature = rng() % 100 < 1;
      s.id = (s.bad_signature ? "msg_bad_" : "msg_burst_") + std::to_string(i);
      s.body = bench::ReluSubmissionBody("learner" + std::to_string(i % 300),
                                         solution + "// " + s.id + "\n");
      if (!s.bad_signature) {
        good.push_back(burst.size());
        unique_good.insert(s.id);
      }
      burst.push_back(std::move(s));
    }
    std::atomic<size_t> done{0}, bad_refused{0}, bad_accepted{0}, gave_up{0};
    std::atomic<bool> killed{false};
    std::mutex restart;
    const auto start = Clock::now();
    Drive(options.threads, burst.size(), 600, [&](size_t i) {
      const Submission& s = burst[i];
      for (int attempt = 0; attempt < 200; ++attempt) {
        int port;
        {
          std::lock_guard lock(restart);
          if (!killed && done.load() >= burst.size() / 2) {
            service.Kill(SIGKILL);
            killed = true;
            if (!service.Start()) std::fprintf(stderr, "restart failed\n");
          }
          port = service.port();
        }
        httplib::Client client("127.0.0.1", port);
        auto response =
            client.Post("/v1/submissions", Signed(service.key(), s), s.body, "application/json");
        if (!response || response->status >= 500) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        ++done;
        if (s.bad_signature) (response->status == 401 ? bad_refused : bad_accepted)++;
        return response->status;
      }
      ++gave_up;
      return -1;
    });
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    service.Kill(SIGTERM);
    const int64_t rows = CountRows(service.database(), "SELECT COUNT(*) FROM service_jobs");
    const int64_t distinct =
        CountRows(service.database(), "SELECT COUNT(DISTINCT webhook_id) FROM service_jobs");
    std::printf(
        "burst     %zu requests in %.1f s (%.0f/s), killed once: %zu unique ids -> %lld rows "
        "(%lld distinct), bad signatures %zu refused 401 / %zu accepted, %zu given up\n",
        burst.size(), seconds, static_cast<double>(burst.size()) / seconds, unique_good.size(),
        static_cast<long long>(rows), static_cast<long long>(distinct), bad_refused.load(),
        bad_accepted.load(), gave_up.load());
  }

  // A class: distinct submissions graded by 2 workers, each result announced by a callback.
  {
    httplib::Server receiver;
    std::mutex mutex;
    std::map<std::string, Clock::time_point> called;
    receiver.Post("/callback", [&](const httplib::Request& request, httplib::Response& response) {
      // Keyed by learner: {"learner":"studentN"} (the first delivery counts).
      const size_t at = request.body.find("\"learner\":\"");
      const size_t from = at == std::string::npos ? 0 : at + 11;
      const std::string learner = request.body.substr(from, request.body.find('"', from) - from);
      std::lock_guard lock(mutex);
      called.emplace(learner, Clock::now());
      response.status = 200;
    });
    const int receiver_port = receiver.bind_to_any_port("127.0.0.1");
    std::thread serving([&] { receiver.listen_after_bind(); });
    const std::string callback = "http://127.0.0.1:" + std::to_string(receiver_port) + "/callback";

    // The baseline: one fresh submission graded by the CLI, after a first grade that pays the
    // problem's one-time preparation (the service's workers share the data directory's cache).
    const std::string data = (root / "cli-data").string();
    auto grade_fresh = [&](const std::string& tag) {
      const fs::path one = root / (tag + ".cpp");
      std::ofstream(one) << solution << "// " << tag << " " << RandomHex(8) << "\n";
      const std::string command = grader.string() + " --data-dir " + data +
                                  " grade --problem relu " + one.string() + " > /dev/null 2>&1";
      if (std::system(command.c_str()) != 0) std::fprintf(stderr, "baseline grade failed\n");
    };
    grade_fresh("warm-up");
    const auto before = Clock::now();
    grade_fresh("baseline");
    const double one_ms = Ms(Clock::now() - before);

    Service service(grader, root / "class", 2);
    if (!service.Start()) return std::fprintf(stderr, "service did not start\n"), 1;
    std::map<std::string, Clock::time_point> posted;
    const auto start = Clock::now();
    for (int i = 0; i < options.class_size; ++i) {
      httplib::Client client("127.0.0.1", service.port());
      const Submission s{
          "msg_class_" + std::to_string(i),
          bench::ReluSubmissionBody("student" + std::to_string(i),
                                    solution + "// student " + std::to_string(i) + "\n", callback)};
      auto response =
          client.Post("/v1/submissions", Signed(service.key(), s), s.body, "application/json");
      if (!response || response->status != 202) std::fprintf(stderr, "class post %d failed\n", i);
      posted["student" + std::to_string(i)] = Clock::now();
    }
    const auto posted_all = Clock::now();
    for (;;) {
      {
        std::lock_guard lock(mutex);
        if (called.size() >= static_cast<size_t>(options.class_size)) break;
      }
      if (Clock::now() - start > std::chrono::minutes(30)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::vector<double> latencies;
    Clock::time_point last = start;
    {
      std::lock_guard lock(mutex);
      for (const auto& [learner, at] : called) {
        if (posted.count(learner)) latencies.push_back(Ms(at - posted[learner]));
        last = std::max(last, at);
      }
    }
    const double makespan_ms = Ms(last - start);
    const double ideal_ms = one_ms * options.class_size / 2;
    std::printf(
        "class     %d learners, posted in %.0f ms, %zu callbacks; POST->callback p50 %.1f s, "
        "p99 %.1f s, last %.1f s; one CLI grade %.0f ms; makespan / (N x one grade / 2 workers) "
        "= %.2f\n",
        options.class_size, Ms(posted_all - start), latencies.size(),
        Percentile(latencies, 0.5) / 1000, Percentile(latencies, 0.99) / 1000, makespan_ms / 1000,
        one_ms, makespan_ms / ideal_ms);
    receiver.stop();
    serving.join();
  }
  fs::remove_all(root);
  return 0;
}
