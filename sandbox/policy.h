// Policy: which setup steps the child performs, in order, between fork and exec.
//
// A step list per Policy keeps the launch a flat checklist (see launcher.cc, RunChild): the
// hardened sandbox adds namespaces, a filesystem view, credentials and a seccomp filter by adding
// steps here and a case in the launcher, without touching the supervisor or the classifier.
#pragma once

#include <span>

#include "sandbox/sandbox.h"

namespace sandbox {

enum class ChildStep {
  kResetSignals,   // default dispositions, empty mask: the grader's signal state must not leak
  kNewSession,     // setsid(): own session and process group, so kill(-pgid) reaches the tree
  kDieWithParent,  // PR_SET_PDEATHSIG: if the grader dies, the child dies with it
  kRedirectFds,    // the pipes onto fds 0, 1, 2 and (result channel) 3
  kCloseOtherFds,  // nothing else the grader holds reaches the program
  kChdir,          // into Command::working_dir
  kNoNewPrivs,     // PR_SET_NO_NEW_PRIVS: exec can never gain privileges (set-uid files)
  kRlimits,        // last: a low RLIMIT_NOFILE or RLIMIT_AS would hamper the steps above
};

// The steps for `policy`, in execution order. The returned span refers to static storage.
std::span<const ChildStep> ChildSteps(Policy policy);

// "setsid", "chdir", ...: for error messages.
const char* ChildStepName(ChildStep step);

}  // namespace sandbox
