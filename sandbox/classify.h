// Classify: the pure decision from "what happened to the child" to a Status.
//
// No processes, no clock: tests drive it with tables (tests/sandbox_test.cc).
#pragma once

#include <chrono>
#include <cstdint>

#include "sandbox/sandbox.h"

namespace sandbox {

// Why the supervisor killed the process group, if it did. The first reason found wins.
enum class KillReason {
  kNone,
  kWallTime,          // the wall-clock deadline passed
  kCpuTime,           // sampled CPU time of the group reached the limit
  kOutput,            // stdout or the result channel went over its cap
  kForbiddenSyscall,  // the seccomp listener reported a call outside the allowlist
};

struct RunFacts {
  bool exited = false;  // true: exit_code is valid; false: killed by `signal`
  int exit_code = -1;
  int signal = 0;
  KillReason kill_reason = KillReason::kNone;
  std::chrono::milliseconds cpu_time{0};
  int64_t peak_memory_bytes = 0;  // 0 when not measured
  bool oom_killed = false;        // the memory cgroup's OOM killer acted in the box
};

// The Status for a child that was launched successfully (kSandboxError is never returned: setup
// failures are decided before there is anything to classify). Precedence, first match wins:
//   SIGSYS, or we killed it for a forbidden call -> kForbiddenSyscall (only seccomp sends SIGSYS)
//   we killed it for output                     -> kOutput
//   the memory cgroup OOM-killed in the box     -> kMemory
//   SIGXCPU, or we killed it for CPU, or
//   cpu_time >= limits.cpu_time                 -> kCpuTime
//   we killed it for wall time                  -> kWallTime
//   SIGXFSZ                                     -> kOutput (RLIMIT_FSIZE)
//   SIGKILL/SIGSEGV and peak >= 90% of memory   -> kMemory (heuristic without a cgroup)
//   any other signal                            -> kSignaled
//   exited                                      -> kOk, whatever the exit code
Status Classify(const RunFacts& facts, const Limits& limits);

}  // namespace sandbox
