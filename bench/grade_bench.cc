// Benchmarks of issues 6 and 15, each against a baseline in the same run (bench/run.sh prints
// ratios):
//   Latency/PlainGxxO2      g++ -O2 -c of a typical submission with Eigen (the baseline)
//   Latency/GraderGrade     `grader grade --no-cache` of a fresh submission (compile + 4 tests)
//   Latency/GraderGradeExecClang  the same with GRADER_COMPILE_SERVER=off: every compile execs
//                           clang++ instead of forking a compile server (the baseline of issue 15)
//   Throughput/Scaling      `grader batch --jobs 1` against `--jobs 2` in alternating blocks of
//                           fresh submissions, and two independent graders as the ceiling; also
//                           the CPU seconds (user + system, every process) per submission
//   Throughput/BatchExecClang/2  `grader batch --jobs 2` of BATCH_N (default 200) distinct
//                           submissions with every compile exec'd
//   Cache/IdenticalBatch    `grader batch` of BATCH_N identical submissions, result cached
// Every submission is fresh (a unique comment), so nothing but the prebuilt PCH is reused where
// a miss is meant. Wall-clock time of child processes: UseRealTime.
#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

extern char** environ;

namespace {

namespace fs = std::filesystem;

const fs::path kSource = GRADER_SOURCE_DIR;
const fs::path kProblem = kSource / "problems/linear_forward";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFile(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

// Starts argv[0] with stdout and stderr to /dev/null; -1 if it could not.
pid_t Spawn(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", 01, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", 01, 0);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

int Run(std::vector<std::string> args) { return Wait(Spawn(std::move(args))); }

const fs::path& Scratch() {
  static const fs::path dir = [] {
    std::string t = (fs::temp_directory_path() / "grader-bench-XXXXXX").string();
    if (mkdtemp(t.data()) == nullptr) std::abort();
    // One prebuilt cache for the whole run: it is built once per problem in real use too.
    setenv("GRADER_CACHE", (fs::path(t) / "cache").c_str(), 1);
    // Removed at exit; the path is leaked on purpose so that it outlives static destructors.
    static const std::string* const to_remove = new std::string(t);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(*to_remove, ec);
    });
    return fs::path(t);
  }();
  return dir;
}

int BatchSize() {
  const char* n = std::getenv("BATCH_N");
  return n ? std::atoi(n) : 200;
}

// Correct and buggy variants with different formatting, so no two are alike.
std::string Generated(int n) {
  std::string base = ReadFile(kProblem / "solution.cpp");
  if (n % 3 == 1) base.replace(base.find("+= b.transpose()"), 16, "-= b.transpose()");
  if (n % 4 == 2) {
    base =
        "#include <Eigen/Dense>\nusing Eigen::MatrixXd;\nusing Eigen::VectorXd;\n"
        "MatrixXd linear_forward(const MatrixXd& X, const MatrixXd& W, const VectorXd& b) {\n"
        "  return (X * W).rowwise() + b.transpose();\n}\n";
  }
  if (n % 5 == 3)
    base += "\n// helper kept from an earlier attempt\nstatic int unused_helper() { return 42; }\n";
  return "// learner " + std::to_string(n) + (n % 2 ? "\r\n" : "\n") + base;
}

// CPU seconds (user + system) of every child this process has waited for, with theirs: a
// batch's grader and each sandboxed compiler and program it ran. Less sensitive to other load
// on the machine than wall-clock time.
double ChildrenCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// GRADER_COMPILE_SERVER=off for the grader processes started while it lives.
class ExecClang {
 public:
  explicit ExecClang(bool on) : on_(on) {
    if (on_) setenv("GRADER_COMPILE_SERVER", "off", 1);
  }
  ~ExecClang() {
    if (on_) unsetenv("GRADER_COMPILE_SERVER");
  }

 private:
  bool on_;
};

void Warm(const fs::path& data) {
  Run({GRADER_BINARY, "--data-dir", data.string(), "grade", "--problem", "linear_forward",
       (kProblem / "solution.cpp").string()});
}

void PlainGxxO2(benchmark::State& state) {
  const fs::path file = Scratch() / "plain.cpp";
  int n = 0;
  for (auto _ : state) {
    WriteFile(file, Generated(4 * (n++)));  // a fresh correct or buggy variant
    if (Run({"/usr/bin/g++", "-O2", "-std=c++20", "-isystem", "/usr/include/eigen3", "-c",
             file.string(), "-o", (Scratch() / "plain.o").string()}) != 0) {
      state.SkipWithError("g++ failed");
    }
  }
}
BENCHMARK(PlainGxxO2)
    ->Name("Latency/PlainGxxO2")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

void GraderGrade(benchmark::State& state, bool exec_clang) {
  const ExecClang mode(exec_clang);
  const fs::path data = Scratch() / (exec_clang ? "latency-exec" : "latency");
  Warm(data);
  const fs::path file = Scratch() / "fresh.cpp";
  int n = 0;
  for (auto _ : state) {
    WriteFile(file, Generated(4 * (n++)));
    if (Run({GRADER_BINARY, "--data-dir", data.string(), "grade", "--no-cache", "--problem",
             "linear_forward", file.string()}) != 0) {
      state.SkipWithError("grader grade failed");
    }
  }
}
BENCHMARK_CAPTURE(GraderGrade, server, false)
    ->Name("Latency/GraderGrade")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(5);
BENCHMARK_CAPTURE(GraderGrade, exec, true)
    ->Name("Latency/GraderGradeExecClang")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(5);

void Batch(benchmark::State& state, bool exec_clang) {
  const ExecClang mode(exec_clang);
  const int jobs = static_cast<int>(state.range(0));
  const int count = BatchSize();
  const fs::path cls = Scratch() / ("class-" + std::to_string(jobs) + (exec_clang ? "-exec" : ""));
  fs::create_directories(cls);
  for (int i = 0; i < count; ++i) {
    WriteFile(cls / ("learner_" + std::to_string(jobs) + "_" + std::to_string(i) + ".cpp"),
              Generated(i) + "// batch " + std::to_string(jobs) + "\n");
  }
  int round = 0;
  double cpu_seconds = 0;
  for (auto _ : state) {
    const fs::path data = Scratch() / ("batch-" + std::to_string(jobs) + "-" +
                                       std::to_string(round++) + (exec_clang ? "-exec" : ""));
    state.PauseTiming();
    Warm(data);
    state.ResumeTiming();
    const double cpu_before = ChildrenCpuSeconds();
    if (Run({GRADER_BINARY, "--data-dir", data.string(), "batch", "--no-cache", "--jobs",
             std::to_string(jobs), "--problem", "linear_forward", cls.string()}) != 0) {
      state.SkipWithError("grader batch failed");
    }
    cpu_seconds += ChildrenCpuSeconds() - cpu_before;
  }
  state.counters["submissions_per_s"] =
      benchmark::Counter(static_cast<double>(count), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["cpu_s_per_submission"] =
      cpu_seconds / (static_cast<double>(count) * static_cast<double>(state.iterations()));
}
BENCHMARK_CAPTURE(Batch, exec, true)
    ->Name("Throughput/BatchExecClang")
    ->Arg(2)
    ->Unit(benchmark::kSecond)
    ->UseRealTime()
    ->Iterations(1);

// Scaling over workers on a shared, noisy machine: the speed of these VMs drifts by 20-30% over
// minutes, more than the effect measured, so one batch per worker count cannot be compared with
// the next. Instead short blocks alternate in palindromic rounds (A B C C B A), which cancels a
// linear drift:
//   A  `grader batch --jobs 1` of K fresh submissions
//   B  `grader batch --jobs 2` of 2K
//   C  two independent `grader batch --jobs 1` of K each at once, with their own data directories:
//      what two graders get from this machine when they share nothing of ours (no queue, no
//      database, no compile server), the ceiling B is compared with.
// K = BATCH_N / 4; SCALING_ROUNDS rounds (default 2).
struct Block {
  double seconds = 0;
  double cpu_seconds = 0;
  int submissions = 0;
  double rate() const { return submissions / seconds; }
  void Add(const Block& other) {
    seconds += other.seconds;
    cpu_seconds += other.cpu_seconds;
    submissions += other.submissions;
  }
};

Block RunBlock(const std::string& tag, int jobs, int processes, int per_process) {
  std::vector<std::vector<std::string>> commands;
  for (int p = 0; p < processes; ++p) {
    const std::string name = tag + "-" + std::to_string(p);
    const fs::path cls = Scratch() / ("scaling-class-" + name);
    const fs::path data = Scratch() / ("scaling-data-" + name);
    fs::create_directories(cls);
    for (int i = 0; i < per_process; ++i)
      WriteFile(cls / ("learner_" + std::to_string(i) + ".cpp"),
                Generated(i) + "// " + name + "\n");
    Warm(data);
    commands.push_back({GRADER_BINARY, "--data-dir", data.string(), "batch", "--no-cache", "--jobs",
                        std::to_string(jobs), "--problem", "linear_forward", cls.string()});
  }
  const double cpu_before = ChildrenCpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  std::vector<pid_t> pids;
  for (auto& command : commands) pids.push_back(Spawn(command));
  bool ok = true;
  for (pid_t pid : pids) ok = Wait(pid) == 0 && ok;
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  if (!ok) return {};
  return {elapsed.count(), ChildrenCpuSeconds() - cpu_before, processes * per_process};
}

void Scaling(benchmark::State& state) {
  const int k = BatchSize() / 4;
  const char* rounds_env = std::getenv("SCALING_ROUNDS");
  const int rounds = rounds_env ? std::atoi(rounds_env) : 2;
  for (auto _ : state) {
    Block one, two, independent;
    std::vector<double> speedups;
    for (int r = 0; r < rounds; ++r) {
      Block round_one, round_two, round_independent;
      const std::string prefix = "round" + std::to_string(r);
      const std::string order = "ABCCBA";
      for (size_t i = 0; i < order.size(); ++i) {
        const char kind = order[i];
        const std::string tag = prefix + "-" + std::to_string(i) + kind;
        const Block block = kind == 'A'   ? RunBlock(tag, 1, 1, k)
                            : kind == 'B' ? RunBlock(tag, 2, 1, 2 * k)
                                          : RunBlock(tag, 1, 2, k);
        if (block.submissions == 0) {
          state.SkipWithError("grader batch failed");
          return;
        }
        (kind == 'A' ? round_one : kind == 'B' ? round_two : round_independent).Add(block);
      }
      speedups.push_back(round_two.rate() / round_one.rate());
      one.Add(round_one);
      two.Add(round_two);
      independent.Add(round_independent);
    }
    state.SetIterationTime(one.seconds + two.seconds + independent.seconds);
    state.counters["rate_1_worker"] = one.rate();
    state.counters["rate_2_workers"] = two.rate();
    state.counters["rate_2_independent"] = independent.rate();
    state.counters["cpu_s_per_submission_1_worker"] = one.cpu_seconds / one.submissions;
    state.counters["cpu_s_per_submission_2_workers"] = two.cpu_seconds / two.submissions;
    state.counters["cpu_s_per_submission_2_independent"] =
        independent.cpu_seconds / independent.submissions;
    state.counters["speedup_round_min"] = *std::min_element(speedups.begin(), speedups.end());
    state.counters["speedup_round_max"] = *std::max_element(speedups.begin(), speedups.end());
    state.counters["rounds"] = rounds;
    state.counters["block_k"] = k;
  }
}
BENCHMARK(Scaling)
    ->Name("Throughput/Scaling")
    ->Unit(benchmark::kSecond)
    ->UseManualTime()
    ->Iterations(1);

void IdenticalBatch(benchmark::State& state) {
  const int count = BatchSize();
  const fs::path cls = Scratch() / "identical";
  fs::create_directories(cls);
  for (int i = 0; i < count; ++i)
    WriteFile(cls / ("same" + std::to_string(i) + ".cpp"), Generated(0));
  const fs::path data = Scratch() / "cache-run";
  // The result is cached by its first grading (as after a re-run or a popular answer).
  WriteFile(Scratch() / "first.cpp", Generated(0));
  Run({GRADER_BINARY, "--data-dir", data.string(), "grade", "--problem", "linear_forward",
       (Scratch() / "first.cpp").string()});
  for (auto _ : state) {
    if (Run({GRADER_BINARY, "--data-dir", data.string(), "batch", "--problem", "linear_forward",
             cls.string()}) != 0) {
      state.SkipWithError("grader batch failed");
    }
  }
  state.counters["submissions_per_s"] =
      benchmark::Counter(static_cast<double>(count), benchmark::Counter::kIsIterationInvariantRate);
}
// One iteration: a second run of the same batch would resume (nothing left to grade).
BENCHMARK(IdenticalBatch)
    ->Name("Cache/IdenticalBatch")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(1);

}  // namespace

BENCHMARK_MAIN();
