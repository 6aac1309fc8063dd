// Launcher: fork a child, run the policy's setup checklist in it, exec the command.
//
// PrepareLaunch() builds everything the child needs (argv and envp arrays, rlimits, the step
// list) in the parent, because after fork the child may only make async-signal-safe calls. A
// setup failure in the child travels back as a fixed-size record on a CLOEXEC error pipe; EOF on
// that pipe means execve succeeded. Thread-safe: no shared state.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "sandbox/pipes.h"
#include "sandbox/policy.h"
#include "sandbox/rlimits.h"
#include "sandbox/sandbox.h"

namespace sandbox {

struct LaunchPlan {
  // Null-terminated arrays pointing into the Command's strings: the Command must outlive the
  // plan and must not change meanwhile.
  std::vector<char*> argv;
  std::vector<char*> envp;
  const char* working_dir = nullptr;
  RlimitPlan rlimits;
  std::span<const ChildStep> steps;
  pid_t parent_pid = 0;
  int max_fd = 0;  // upper bound for closing fds when close_range() is unavailable
};

// Validates `command` (absolute argv[0], absolute working dir) and builds the plan. An
// InvalidArgument status names the broken constraint.
base::StatusOr<LaunchPlan> PrepareLaunch(const Command& command, const Limits& limits,
                                         Policy policy);

// The child's ends of its standard streams; result_fd is -1 without a result channel.
struct ChildFds {
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int result_fd = -1;
};

// Forks the child, which performs plan.steps and execs. Returns its pid; the child leads its
// own process group (pgid == pid) from its kNewSession step on.
struct Launched {
  pid_t pid = -1;
  UniqueFd error_pipe;  // read end; see AwaitExec
};
base::StatusOr<Launched> Launch(const LaunchPlan& plan, const ChildFds& fds);

// Waits until the child has exec'd (OK) or reported a setup failure (Internal, e.g. "chdir(\"/x\")
// failed: No such file or directory"), or until `deadline` (Internal). On error the caller still
// owns the child and must kill and reap it.
base::Status AwaitExec(const LaunchPlan& plan, Launched& launched,
                       std::chrono::steady_clock::time_point deadline);

}  // namespace sandbox
