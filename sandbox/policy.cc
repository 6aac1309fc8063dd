#include "sandbox/policy.h"

namespace sandbox {
namespace {

// For now both policies run the same checklist; they differ in the Limits callers pass. They are
// kept as two lists because the hardened sandbox diverges here (kCompile: read-only toolchain
// view and a writable work dir; kExecute: no files, no processes). A seccomp step, when added,
// goes last: once installed, the filter would forbid the syscalls of the steps after it.
// clang-format off: one step a line
constexpr ChildStep kCompileSteps[] = {
    ChildStep::kResetSignals, ChildStep::kNewSession,    ChildStep::kDieWithParent,
    ChildStep::kRedirectFds,  ChildStep::kCloseOtherFds, ChildStep::kChdir,
    ChildStep::kNoNewPrivs,   ChildStep::kRlimits,
};

constexpr ChildStep kExecuteSteps[] = {
    ChildStep::kResetSignals, ChildStep::kNewSession,    ChildStep::kDieWithParent,
    ChildStep::kRedirectFds,  ChildStep::kCloseOtherFds, ChildStep::kChdir,
    ChildStep::kNoNewPrivs,   ChildStep::kRlimits,
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
    case ChildStep::kRedirectFds:
      return "dup2";
    case ChildStep::kCloseOtherFds:
      return "close_range";
    case ChildStep::kChdir:
      return "chdir";
    case ChildStep::kNoNewPrivs:
      return "prctl(PR_SET_NO_NEW_PRIVS)";
    case ChildStep::kRlimits:
      return "setrlimit";
  }
  return "unknown step";
}

}  // namespace sandbox
