// The execute sandbox's per-run overhead against a bare fork + exec of the same static binary,
// measured in the same run. Google Benchmark times each side and the layers one by one; the
// closing summary interleaves the two sides (so that both see the same machine load) and prints
// the median added time and the ratio.
//
// Run as root for the full sandbox (namespaces, box uid, cgroups); otherwise the layers that
// need root are skipped and the summary says so.
#include <benchmark/benchmark.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "sandbox/cgroups.h"
#include "sandbox/credentials.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp_policy.h"

namespace {

using Clock = std::chrono::steady_clock;

const char* const kProgram = BENCH_STATIC_TRUE;

// fork + execve + waitpid: what any runner pays at least.
void BareForkExec() {
  char* const argv[] = {const_cast<char*>(kProgram), nullptr};
  char* const envp[] = {nullptr};
  const pid_t pid = fork();
  if (pid == 0) {
    execve(kProgram, argv, envp);
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
}

sandbox::Command Command() {
  sandbox::Command command;
  command.argv = {kProgram};
  command.env = {"LANG=C"};
  command.working_dir = "/";
  command.result_channel = true;
  return command;
}

void SandboxedRun() {
  static const sandbox::Command command = Command();
  sandbox::Limits limits;
  const sandbox::Outcome outcome = sandbox::Run(command, limits, sandbox::Policy::kExecute);
  if (outcome.status != sandbox::Status::kOk) {
    std::fprintf(stderr, "sandbox run failed: %s %s\n", sandbox::StatusName(outcome.status),
                 outcome.error.c_str());
    std::abort();
  }
}

void BM_BareForkExec(benchmark::State& state) {
  for (auto _ : state) BareForkExec();
}
BENCHMARK(BM_BareForkExec)->Unit(benchmark::kMicrosecond);

void BM_SandboxExecute(benchmark::State& state) {
  for (auto _ : state) SandboxedRun();
}
BENCHMARK(BM_SandboxExecute)->Unit(benchmark::kMicrosecond);

// The layers, one at a time.
void BM_CloneNewPidAndExit(benchmark::State& state) {
  for (auto _ : state) {
    const long pid = syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid == 0) _exit(0);
    waitpid(static_cast<pid_t>(pid), nullptr, 0);
  }
}
BENCHMARK(BM_CloneNewPidAndExit)->Unit(benchmark::kMicrosecond);

void BM_ForkAndExit(benchmark::State& state) {
  for (auto _ : state) {
    const pid_t pid = fork();
    if (pid == 0) _exit(0);
    waitpid(pid, nullptr, 0);
  }
}
BENCHMARK(BM_ForkAndExit)->Unit(benchmark::kMicrosecond);

void BM_CloneNewNetAndExit(benchmark::State& state) {
  for (auto _ : state) {
    const long pid = syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (pid == 0) _exit(0);
    waitpid(static_cast<pid_t>(pid), nullptr, 0);
  }
}
BENCHMARK(BM_CloneNewNetAndExit)->Unit(benchmark::kMicrosecond);

void BM_CgroupCreateRemove(benchmark::State& state) {
  sandbox::Limits limits;
  for (auto _ : state) {
    sandbox::BoxCgroup group = sandbox::BoxCgroup::Create(limits, 1);
    group.Remove();
  }
}
BENCHMARK(BM_CgroupCreateRemove)->Unit(benchmark::kMicrosecond);

void BM_UidLease(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sandbox::UidLease::Acquire());
}
BENCHMARK(BM_UidLease)->Unit(benchmark::kMicrosecond);

double MedianMs(std::vector<double> samples) {
  std::sort(samples.begin(), samples.end());
  return samples[samples.size() / 2];
}

template <typename F>
double TimeMs(F run) {
  const Clock::time_point start = Clock::now();
  run();
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

void Summary(int repetitions) {
  std::vector<double> bare;
  std::vector<double> boxed;
  for (int i = 0; i < repetitions; ++i) {
    bare.push_back(TimeMs(BareForkExec));
    boxed.push_back(TimeMs(SandboxedRun));
  }
  const double bare_ms = MedianMs(bare);
  const double boxed_ms = MedianMs(boxed);
  const double bare_min_ms = *std::min_element(bare.begin(), bare.end());
  const double boxed_min_ms = *std::min_element(boxed.begin(), boxed.end());
  std::printf(
      "\nexecute sandbox vs bare fork+exec of the same static binary, %d interleaved runs "
      "each%s:\n"
      "  median: bare %.3f ms, sandboxed %.3f ms, added %.3f ms, ratio %.2fx\n"
      "  best:   bare %.3f ms, sandboxed %.3f ms, added %.3f ms, ratio %.2fx "
      "(the least disturbed by other load)\n",
      repetitions, geteuid() == 0 ? "" : " [not root: no namespaces, uid or cgroups]", bare_ms,
      boxed_ms, boxed_ms - bare_ms, boxed_ms / bare_ms, bare_min_ms, boxed_min_ms,
      boxed_min_ms - bare_min_ms, boxed_min_ms / bare_min_ms);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  Summary(300);
  return 0;
}
