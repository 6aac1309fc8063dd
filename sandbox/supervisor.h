// Supervisor: the parent's side of a running child. One poll() loop feeds stdin, drains stdout,
// stderr and the result channel up to their caps, watches the wall clock and samples CPU time,
// then kills the child's process group and reaps the child.
//
// REQUIRES: SIGCHLD is not set to SIG_IGN in the grader and nothing else in the grader reaps
// children with waitpid(-1, ...): the supervisor must reap its own child to read its rusage.
// Thread-safe: no shared state.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "sandbox/classify.h"
#include "sandbox/pipes.h"
#include "sandbox/sandbox.h"

namespace sandbox {

// The parent's ends of the child's pipes. The supervisor makes them non-blocking.
struct ParentStreams {
  UniqueFd stdin_fd;  // write end; may be invalid when there is nothing to write
  UniqueFd stdout_fd;
  UniqueFd stderr_fd;
  UniqueFd result_fd;         // invalid without a result channel
  UniqueFd seccomp_listener;  // kExecute: user notifications of forbidden calls; may be invalid
};

struct Supervision {
  KillReason kill_reason = KillReason::kNone;
  bool reaped = false;  // wait_status and usage are valid
  int wait_status = 0;
  rusage usage{};
  std::chrono::milliseconds sampled_cpu_time{0};  // largest /proc sample of the group
  int64_t sampled_peak_memory_bytes = 0;          // largest VmHWM sample of the main process
  std::string stdout_data;
  std::string stderr_data;
  std::string result_data;
  bool stderr_truncated = false;
  std::string forbidden_syscall;  // KillReason::kForbiddenSyscall: its name
  std::string error;              // non-empty: supervising failed (kSandboxError)
};

// Supervises `pid` (a process group leader, exec'd) until it exits or breaks a limit, then kills
// its process group and reaps it. Returns after the main child is reaped even if an escaped
// descendant still holds a pipe open.
Supervision Supervise(pid_t pid, ParentStreams streams, std::string_view stdin_data,
                      const Limits& limits, std::chrono::steady_clock::time_point deadline);

// SIGKILLs the process group `pid` (and `pid` itself, in case it never became a group leader),
// then reaps `pid`. Returns false if it could not be reaped (wait_status/usage then untouched).
bool KillAndReap(pid_t pid, int* wait_status, rusage* usage);

}  // namespace sandbox
