// sandbox: run one untrusted command under limits and a policy, and say what happened.
//
// Contract
// - Run() clones a child into new namespaces, applies the policy and the limits in it (a uid of
//   its own, cgroups, a filesystem view, seccomp last: docs/security.md), execs the command with
//   exactly the given argv and environment (no shell, no PATH search), feeds `stdin_data` to its
//   standard input, captures stdout, stderr and the result channel (fd 3) up to their caps, and
//   returns when the child's whole process tree is gone (its pid namespace is torn down) and its
//   cgroups are empty (a compile box's are removed; an execute box's stay for the next run of
//   its uid slot and go when the process exits: cgroups.h).
// - Run() never throws and never blocks forever: the wall-time limit always applies.
// - The returned Outcome separates what the *program* did (exit code, signal, a limit it hit)
//   from a failure of the sandbox itself (Status::kSandboxError, with `error` saying why). A
//   sandbox failure is never reported as the program's runtime error.
// - Thread-safe: concurrent Run() calls are independent.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sandbox {

// Which rules apply inside the child.
// Layers of each policy: docs/security.md. Both: new namespaces, a uid of the box's own (when
// the grader is root), memory and pids cgroups, rlimits, no new privileges, a seccomp filter.
enum class Policy {
  kCompile,  // the toolchain: a minimal read-only root plus Command's dirs; its own processes
  kExecute,  // a learner's static binary: an empty root, pipes only, no processes, one exec
};

struct Limits {
  std::chrono::milliseconds cpu_time{2000};   // user + system, whole process tree
  std::chrono::milliseconds wall_time{5000};  // always enforced
  int64_t memory_bytes = 256LL << 20;         // memory cgroup limit (RLIMIT_AS without one)
  int64_t file_size_bytes = 0;                // largest file the child may write
  int64_t processes = 1;                      // simultaneous processes/threads (pids.max)
  int64_t stdout_bytes = 64 << 10;            // capture cap; more is OUTPUT_LIMIT
  int64_t stderr_bytes = 64 << 10;            // capture cap; more is truncated
  int64_t result_bytes = 16 << 20;  // cap on the fd-3 result channel; more is OUTPUT_LIMIT
  int64_t stack_bytes = 64LL << 20;
};

struct Command {
  // argv[0] is an absolute path, executed as is. kExecute: it must be a regular file (not a
  // link), statically linked: the box has no files, so no dynamic loader or library.
  std::vector<std::string> argv;
  std::vector<std::string> env;  // the complete environment, "NAME=value"
  std::string working_dir;       // absolute; kCompile: chdir here (inside the view);
                                 // kExecute: unused, the program runs in an empty root
  std::string stdin_data;        // written to the child's stdin, then closed
  bool result_channel = false;   // open fd 3 in the child as a write-only pipe to us
  // kCompile: directories visible in the box at their own paths, writable (handed to the box's
  // uid for the run) and read-only. Nothing else of the host's tree is visible but the
  // toolchain (sandbox/filesystem.h).
  std::vector<std::string> writable_dirs;
  std::vector<std::string> readonly_dirs;
  // kCompile only, for a trusted caller whose memory holds nothing secret (the compile server,
  // compiler/): instead of exec'ing argv, the box's program process calls in_process(*this)
  // after every setup step, seccomp included, with `env` as its environment, and exits with
  // what it returns. It has its own copy of the caller's memory (a fork, not a vfork), so it
  // may allocate and call anything. argv[0] must still be absolute; it is not executed.
  int (*in_process)(const Command& command) = nullptr;
};

enum class Status {
  kOk,                // exited by itself (any exit code)
  kCpuTime,           // CPU time limit exceeded
  kWallTime,          // wall-clock limit exceeded
  kMemory,            // memory limit exceeded
  kOutput,            // stdout or result channel exceeded its cap, or a file grew too big
  kSignaled,          // killed by a signal it did not get from us
  kForbiddenSyscall,  // the seccomp policy killed it
  kSandboxError,      // we could not set up or supervise the child: not the program's fault
};

const char* StatusName(Status status);  // "OK", "CPU_TIME", ...

struct Outcome {
  Status status = Status::kSandboxError;
  int exit_code = -1;  // valid when the child exited
  int signal = 0;      // valid when the child was killed by a signal
  std::chrono::milliseconds cpu_time{0};
  std::chrono::milliseconds wall_time{0};
  int64_t peak_memory_bytes = 0;  // 0 when not measured
  std::string stdout_data;        // at most Limits::stdout_bytes
  std::string stderr_data;        // at most Limits::stderr_bytes
  std::string result_data;        // fd 3, at most Limits::result_bytes
  bool stderr_truncated = false;
  std::string forbidden_syscall;  // kForbiddenSyscall: the syscall's name when known
  std::string error;              // kSandboxError: what failed; otherwise notes (a layer this
                                  // host lacks and its fallback), "" when every layer was on
};

Outcome Run(const Command& command, const Limits& limits, Policy policy);

}  // namespace sandbox
