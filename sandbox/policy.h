// Policy: which setup steps the child performs, in order, between clone and exec.
//
// A step list per Policy keeps the launch a flat checklist (see launcher.cc, RunChild). Steps
// before kSpawnInit run in the box's init (pid 1 of the box's pid namespace) and shape the whole
// box; steps after it run in the program's own process. A step whose facility is unavailable on
// this host (no cgroup, no namespace, not root) is a no-op, and Outcome::error notes it.
#pragma once

#include <span>

#include "sandbox/sandbox.h"

namespace sandbox {

enum class ChildStep {
  kResetSignals,    // default dispositions, empty mask: the grader's signal state must not leak
  kNewSession,      // setsid(): own session and process group, so kill(-pgid) reaches the tree
  kDieWithParent,   // PR_SET_PDEATHSIG: if the grader dies, the child dies with it
  kJoinCgroups,     // the program joins the box's memory and pids cgroups (`tasks`, cgroups.h)
  kJoinNetwork,     // setns() into the shared empty network namespace
  kSetHostname,     // the uts namespace says "sandbox", not the host's name
  kRedirectFds,     // the pipes onto fds 0, 1, 2 and (result channel) 3; launcher fds 4..7
  kCloseOtherFds,   // nothing else the grader holds reaches the program
  kMountView,       // kCompile: the minimal read-only root (filesystem.h), via pivot_root
  kEmptyRoot,       // kExecute: chroot into an empty directory
  kChdir,           // into Command::working_dir (inside the view)
  kSpawnInit,       // fork: the parent stays as the box's init, the child goes on as the program
  kNoNewPrivs,      // PR_SET_NO_NEW_PRIVS: exec can never gain privileges (set-uid files)
  kRlimits,         // after the fd steps: a low RLIMIT_NOFILE would hamper them
  kDropPrivileges,  // setgroups/setresgid/setresuid to the box's own uid (root graders only)
  kSeccomp,         // last: once installed, the filter forbids the syscalls of any later step
};

// The steps for `policy`, in execution order. The returned span refers to static storage.
std::span<const ChildStep> ChildSteps(Policy policy);

// "setsid", "chdir", ...: for error messages.
const char* ChildStepName(ChildStep step);

}  // namespace sandbox
