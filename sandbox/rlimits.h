// Resource limits (setrlimit) for the child: a table from Limits to (soft, hard) pairs.
//
// PrepareRlimits() runs in the parent and may allocate; ApplyRlimits() runs in the forked child
// and only calls setrlimit(), which is async-signal-safe. The rlimits are backstops: the wall
// clock, the output caps and the CPU accounting of the supervisor are the primary limits, and a
// cgroup will take over memory and process counting in the hardened sandbox.
#pragma once

#include <sys/resource.h>

#include <array>
#include <cstddef>

#include "sandbox/sandbox.h"

namespace sandbox {

// RLIMIT_NOFILE in the child: stdio, the result channel and a few files of its own.
inline constexpr rlim_t kChildOpenFiles = 64;

struct RlimitSetting {
  int resource = 0;
  const char* name = "";  // "RLIMIT_CPU", ...: static storage, for error messages
  rlimit value{};
};

struct RlimitPlan {
  std::array<RlimitSetting, 8> settings{};
  size_t count = 0;
};

// Computes the child's rlimits from `limits`, each clamped to the grader's own hard limit (the
// sandbox never grants more than it has). `address_space`: whether RLIMIT_AS carries the memory
// limit (only when no memory cgroup does: a cgroup counts what is resident, which is fairer to
// programs that reserve and never touch). REQUIRES: limits were validated (positive values).
RlimitPlan PrepareRlimits(const Limits& limits, bool address_space);

// Applies every setting in order. Returns 0, or the errno of the first failure and stores its
// index in `*failed_index`. Async-signal-safe.
int ApplyRlimits(const RlimitPlan& plan, size_t* failed_index);

}  // namespace sandbox
