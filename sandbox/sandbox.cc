// Theory of operation
//
// Run() is the whole life of one child, on the calling thread:
//   1. validate the Limits and build a LaunchPlan (launcher.h) in the parent;
//   2. make the stdin/stdout/stderr(/result) pipes, all O_CLOEXEC;
//   3. fork; the child runs the policy's checklist and execs (launcher.cc);
//   4. wait on the error pipe: a record there is a sandbox failure, EOF means the program runs;
//   5. supervise it (supervisor.cc) until it exits or breaks a limit; kill its process group and
//      reap it with wait4();
//   6. turn what happened into a Status with the pure Classify() (classify.h).
// The grader side runs as the grader's user (root); the child, for now, too. Nothing is shared
// between concurrent Run() calls except the kernel.
#include "sandbox/sandbox.h"

#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <string>
#include <utility>

#include "base/status.h"
#include "sandbox/classify.h"
#include "sandbox/launcher.h"
#include "sandbox/pipes.h"
#include "sandbox/procfs.h"
#include "sandbox/supervisor.h"

namespace sandbox {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

base::Status ValidateLimits(const Limits& limits) {
  struct Check {
    const char* name;
    int64_t value;
    int64_t minimum;
  };
  const Check checks[] = {
      {"limits.cpu_time (ms)", limits.cpu_time.count(), 1},
      {"limits.wall_time (ms)", limits.wall_time.count(), 1},
      {"limits.memory_bytes", limits.memory_bytes, 1},
      {"limits.file_size_bytes", limits.file_size_bytes, 0},
      {"limits.processes", limits.processes, 1},
      {"limits.stdout_bytes", limits.stdout_bytes, 0},
      {"limits.stderr_bytes", limits.stderr_bytes, 0},
      {"limits.result_bytes", limits.result_bytes, 0},
      {"limits.stack_bytes", limits.stack_bytes, 1},
  };
  for (const Check& check : checks) {
    if (check.value < check.minimum) {
      return base::Status::InvalidArgument(std::string(check.name) +
                                           " must be >= " + std::to_string(check.minimum) +
                                           ", got " + std::to_string(check.value));
    }
  }
  return base::Status::Ok();
}

Outcome SandboxError(std::string error) {
  Outcome outcome;
  outcome.status = Status::kSandboxError;
  outcome.error = std::move(error);
  return outcome;
}

milliseconds CpuTime(const rusage& usage) {
  const auto micros = [](const timeval& time) {
    return static_cast<int64_t>(time.tv_sec) * 1000000 + time.tv_usec;
  };
  return milliseconds((micros(usage.ru_utime) + micros(usage.ru_stime)) / 1000);
}

// A forked child starts as a copy of the grader's pages, and the kernel keeps that copy's size in
// the child's ru_maxrss across execve (observed: /bin/true forked from a 300 MB grader reports
// 300 MB). The copy is at most the grader's resident set at fork time, plus the few pages the
// child touches before exec; so ru_maxrss is the program's own peak only when it is larger than
// this bound. Otherwise the supervisor's VmHWM samples (a lower bound) stand in.
constexpr int64_t kForkSlackBytes = 1 << 20;

}  // namespace

const char* StatusName(Status status) {
  switch (status) {
    case Status::kOk:
      return "OK";
    case Status::kCpuTime:
      return "CPU_TIME";
    case Status::kWallTime:
      return "WALL_TIME";
    case Status::kMemory:
      return "MEMORY";
    case Status::kOutput:
      return "OUTPUT";
    case Status::kSignaled:
      return "SIGNALED";
    case Status::kForbiddenSyscall:
      return "FORBIDDEN_SYSCALL";
    case Status::kSandboxError:
      return "SANDBOX_ERROR";
  }
  return "SANDBOX_ERROR";
}

Outcome Run(const Command& command, const Limits& limits, Policy policy) {
  if (base::Status valid = ValidateLimits(limits); !valid.ok()) {
    return SandboxError(valid.message());
  }
  base::StatusOr<LaunchPlan> plan = PrepareLaunch(command, limits, policy);
  if (!plan.ok()) return SandboxError(plan.status().message());

  // Our writes to a stdin pipe the child closed must fail with EPIPE, not kill the grader.
  ScopedSigpipeBlock no_sigpipe;
  base::StatusOr<Pipe> stdin_pipe = MakePipe();
  base::StatusOr<Pipe> stdout_pipe = MakePipe();
  base::StatusOr<Pipe> stderr_pipe = MakePipe();
  base::StatusOr<Pipe> result_pipe =
      command.result_channel ? MakePipe() : base::StatusOr<Pipe>(Pipe{});
  for (const auto* pipe : {&stdin_pipe, &stdout_pipe, &stderr_pipe, &result_pipe}) {
    if (!pipe->ok()) return SandboxError("sandbox setup: " + pipe->status().message());
  }
  const ChildFds child_fds{stdin_pipe->read_end.get(), stdout_pipe->write_end.get(),
                           stderr_pipe->write_end.get(), result_pipe->write_end.get()};

  const int64_t grader_bytes_before_fork = OwnResidentBytes();
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + limits.wall_time;
  base::StatusOr<Launched> launched = Launch(*plan, child_fds);
  if (!launched.ok()) return SandboxError(launched.status().message());
  const pid_t pid = launched->pid;
  const int64_t inherited_rss_bound =
      std::max(grader_bytes_before_fork, OwnResidentBytes()) + kForkSlackBytes;
  // The child has its copies; ours would keep the streams from ever reaching EOF.
  stdin_pipe->read_end.Reset();
  stdout_pipe->write_end.Reset();
  stderr_pipe->write_end.Reset();
  result_pipe->write_end.Reset();

  if (base::Status exec = AwaitExec(*plan, *launched, deadline); !exec.ok()) {
    int wait_status = 0;
    rusage usage{};
    KillAndReap(pid, &wait_status, &usage);
    Outcome outcome = SandboxError(exec.message());
    outcome.wall_time = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    return outcome;
  }

  Supervision supervision =
      Supervise(pid,
                ParentStreams{std::move(stdin_pipe->write_end), std::move(stdout_pipe->read_end),
                              std::move(stderr_pipe->read_end), std::move(result_pipe->read_end)},
                command.stdin_data, limits, deadline);

  Outcome outcome;
  outcome.wall_time = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  outcome.stdout_data = std::move(supervision.stdout_data);
  outcome.stderr_data = std::move(supervision.stderr_data);
  outcome.result_data = std::move(supervision.result_data);
  outcome.stderr_truncated = supervision.stderr_truncated;
  if (!supervision.error.empty() || !supervision.reaped) {
    outcome.status = Status::kSandboxError;
    outcome.error = supervision.error;
    return outcome;
  }

  RunFacts facts;
  const int wait_status = supervision.wait_status;
  facts.exited = WIFEXITED(wait_status);
  facts.exit_code = facts.exited ? WEXITSTATUS(wait_status) : -1;
  facts.signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
  facts.kill_reason = supervision.kill_reason;
  // wait4 covers the child and the descendants it reaped; the /proc samples also saw the
  // descendants that were still alive. Each undercounts somewhere: take the larger.
  facts.cpu_time = std::max(CpuTime(supervision.usage), supervision.sampled_cpu_time);
  const int64_t max_rss_bytes = static_cast<int64_t>(supervision.usage.ru_maxrss) * 1024;
  facts.peak_memory_bytes =
      max_rss_bytes > inherited_rss_bound ? max_rss_bytes : supervision.sampled_peak_memory_bytes;

  outcome.status = Classify(facts, limits);
  outcome.exit_code = facts.exit_code;
  outcome.signal = facts.signal;
  outcome.cpu_time = facts.cpu_time;
  outcome.peak_memory_bytes = facts.peak_memory_bytes;
  return outcome;
}

}  // namespace sandbox
