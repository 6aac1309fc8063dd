// Launcher: clone a child, run the policy's setup checklist in it, exec the command.
//
// PrepareLaunch() builds everything the child needs (argv and envp arrays, rlimits, the step
// list, the filesystem view, the seccomp filter, the box's uid) in the parent, because after
// clone the child may only make async-signal-safe calls. A
// setup failure in the child travels back as a fixed-size record on a CLOEXEC error pipe; EOF on
// that pipe means execve succeeded. Thread-safe: no shared state.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "sandbox/filesystem.h"
#include "sandbox/pipes.h"
#include "sandbox/policy.h"
#include "sandbox/rlimits.h"
#include "sandbox/sandbox.h"
#include "sandbox/seccomp_policy.h"

namespace sandbox {

// The child's ends of its standard streams; result_fd is -1 without a result channel.
struct ChildFds {
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int result_fd = -1;
  int program_fd = -1;  // kExecute: the binary, opened by the parent
  int status_fd = -1;   // write end: the box init reports the program's wait status here
  int notify_fd = -1;   // one end of a socketpair: the seccomp listener travels over it
};

struct LaunchPlan;

// What a box init that shares the grader's memory starts from (Launch() fills it in).
struct InitStart {
  const LaunchPlan* plan = nullptr;
  ChildFds fds;
  int error_fd = -1;
};

struct LaunchPlan {
  // Null-terminated arrays pointing into the Command's strings: the Command must outlive the
  // plan and must not change meanwhile.
  std::vector<char*> argv;
  std::vector<char*> envp;
  const char* working_dir = nullptr;
  RlimitPlan rlimits;
  std::span<const ChildStep> steps;
  pid_t parent_pid = 0;
  int max_fd = 0;                // upper bound for closing fds when close_range() is unavailable
  int clone_flags = 0;           // namespaces (namespaces.h); 0: a plain fork, no box init
  int net_fd = -1;               // the empty network namespace, or -1
  std::vector<int> cgroup_fds;   // cgroup `tasks` files the program joins (at most 2)
  std::optional<FsView> view;    // kMountView
  std::string empty_root;        // kEmptyRoot
  bool drop_privileges = false;  // kDropPrivileges: false when the grader is not root
  uid_t uid = 0;
  gid_t gid = 0;
  const SeccompFilter* seccomp = nullptr;
  bool exec_from_fd = false;  // kExecute: execveat(kProgramFd, "", AT_EMPTY_PATH)
  // Command::in_process: the program's process is forked from the init (its own memory) and
  // calls this instead of exec'ing; `command` is what it is called with.
  int (*in_process)(const Command& command) = nullptr;
  const Command* command = nullptr;
  // The stack of the program's process while it shares the init's memory (launcher.cc).
  static constexpr size_t kSpawnStackBytes = 64 << 10;
  std::unique_ptr<char[]> spawn_stack;
  // kExecute with a pid namespace: the box init shares the grader's memory (clone(CLONE_VM),
  // as posix_spawn does) instead of a copy: no page tables to copy, no copy-on-write faults in
  // the grader afterwards, no copy to tear down. It runs on init_stack, from init_start. Both
  // must stay allocated until the init is reaped (Run() reaps it before the plan goes).
  bool init_shares_memory = false;
  std::unique_ptr<char[]> init_stack;
  mutable InitStart init_start;
};

// What the box has, decided by Run() (sandbox.cc) before the plan is built.
struct BoxSetup {
  int clone_flags = 0;
  int net_fd = -1;
  std::vector<int> cgroup_fds;
  bool memory_cgroup = false;  // true: no RLIMIT_AS (the cgroup limits resident memory)
  std::string state_dir;       // credentials.h StateDir(); "" when unavailable
  bool drop_privileges = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Validates `command` (absolute argv[0], absolute working dir) and builds the plan. An
// InvalidArgument status names the broken constraint.
base::StatusOr<LaunchPlan> PrepareLaunch(const Command& command, const Limits& limits,
                                         Policy policy, const BoxSetup& box);

// Clones the child (with plan.clone_flags), which performs plan.steps and execs. Returns its
// pid: the box's init when there is a pid namespace, else the program itself. It leads its own
// process group (pgid == pid) from its kNewSession step on.
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
