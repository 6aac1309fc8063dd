#include "sandbox/policy.h"

namespace sandbox {
namespace {

// clang-format off: one step a line
constexpr ChildStep kCompileSteps[] = {
    // In the box's init (as root):
    ChildStep::kResetSignals, ChildStep::kNewSession, ChildStep::kDieWithParent,
    ChildStep::kJoinNetwork, ChildStep::kSetHostname, ChildStep::kRedirectFds,
    ChildStep::kCloseOtherFds, ChildStep::kMountView, ChildStep::kChdir, ChildStep::kSpawnInit,
    // In the compiler's process:
    ChildStep::kJoinCgroups, ChildStep::kNoNewPrivs, ChildStep::kRlimits,
    ChildStep::kDropPrivileges,
    ChildStep::kSeccomp,  // last: the denylist also forbids mount/unshare used above
};

constexpr ChildStep kExecuteSteps[] = {
    // In the box's init (as root):
    ChildStep::kResetSignals, ChildStep::kNewSession, ChildStep::kDieWithParent,
    ChildStep::kJoinNetwork, ChildStep::kRedirectFds, ChildStep::kCloseOtherFds,
    ChildStep::kEmptyRoot, ChildStep::kSpawnInit,
    // In the program's process:
    ChildStep::kJoinCgroups, ChildStep::kNoNewPrivs, ChildStep::kRlimits,
    ChildStep::kDropPrivileges,
    ChildStep::kSeccomp,  // last: the allowlist forbids setrlimit, setresuid, prctl, ...
};
// clang-format on

}  // namespace

std::span<const ChildStep> ChildSteps(Policy policy) {
  switch (policy) {
    case Policy::kCompile:
      return kCompileSteps;
    case Policy::kExecute:
      return kExecuteSteps;
  }
  return kExecuteSteps;  // unreachable for valid enumerators; the stricter list
}

const char* ChildStepName(ChildStep step) {
  switch (step) {
    case ChildStep::kResetSignals:
      return "reset signals";
    case ChildStep::kNewSession:
      return "setsid";
    case ChildStep::kDieWithParent:
      return "prctl(PR_SET_PDEATHSIG)";
    case ChildStep::kJoinCgroups:
      return "join cgroups";
    case ChildStep::kJoinNetwork:
      return "setns(network)";
    case ChildStep::kSetHostname:
      return "sethostname";
    case ChildStep::kRedirectFds:
      return "dup2";
    case ChildStep::kCloseOtherFds:
      return "close_range";
    case ChildStep::kMountView:
      return "mount view";
    case ChildStep::kEmptyRoot:
      return "chroot";
    case ChildStep::kChdir:
      return "chdir";
    case ChildStep::kSpawnInit:
      return "fork (box init)";
    case ChildStep::kNoNewPrivs:
      return "prctl(PR_SET_NO_NEW_PRIVS)";
    case ChildStep::kRlimits:
      return "setrlimit";
    case ChildStep::kDropPrivileges:
      return "setresuid";
    case ChildStep::kSeccomp:
      return "seccomp";
  }
  return "unknown step";
}

}  // namespace sandbox
