#include "sandbox/rlimits.h"

#include <errno.h>

#include <algorithm>
#include <cstdint>

namespace sandbox {
namespace {

struct SoftHard {
  int64_t soft;
  int64_t hard;
};

struct RlimitRule {
  int resource;
  const char* name;
  SoftHard (*from_limits)(const Limits&);
};

SoftHard Both(int64_t value) { return {value, value}; }

// CPU seconds, rounded up: RLIMIT_CPU has one-second granularity. The supervisor enforces the
// exact limit by sampling; this is the backstop (SIGXCPU at soft, SIGKILL at hard).
SoftHard CpuSeconds(const Limits& limits) {
  const int64_t seconds = (limits.cpu_time.count() + 999) / 1000;
  return {seconds, seconds + 1};
}

// soft == hard, so the program cannot raise its own soft limit.
constexpr RlimitRule kRules[] = {
    {RLIMIT_CPU, "RLIMIT_CPU", CpuSeconds},
    // Address space, not resident memory: allocations beyond it fail (malloc returns null,
    // std::bad_alloc, MemoryError) rather than the kernel killing the program.
    {RLIMIT_AS, "RLIMIT_AS", [](const Limits& l) { return Both(l.memory_bytes); }},
    // Writing past it raises SIGXFSZ (classified OUTPUT). Pipes are not files: stdout is capped
    // by the supervisor instead.
    {RLIMIT_FSIZE, "RLIMIT_FSIZE", [](const Limits& l) { return Both(l.file_size_bytes); }},
    // RLIMIT_NPROC counts every process of the child's *real uid*, system-wide, and is not
    // enforced for root. Each box has a uid of its own (credentials.h), so this bounds the box;
    // the pids cgroup bounds it too, and the pid namespace kills the tree at the end.
    {RLIMIT_NPROC, "RLIMIT_NPROC", [](const Limits& l) { return Both(l.processes); }},
    {RLIMIT_CORE, "RLIMIT_CORE", [](const Limits&) { return Both(0); }},
    {RLIMIT_STACK, "RLIMIT_STACK", [](const Limits& l) { return Both(l.stack_bytes); }},
    {RLIMIT_NOFILE, "RLIMIT_NOFILE",
     [](const Limits&) { return Both(static_cast<int64_t>(kChildOpenFiles)); }},
};

static_assert(std::size(kRules) <= std::tuple_size_v<decltype(RlimitPlan::settings)>);

rlim_t Clamp(int64_t wanted, rlim_t ceiling) {
  const auto value = static_cast<rlim_t>(std::max<int64_t>(wanted, 0));
  return ceiling == RLIM_INFINITY ? value : std::min(value, ceiling);
}

}  // namespace

RlimitPlan PrepareRlimits(const Limits& limits, bool address_space) {
  RlimitPlan plan;
  for (const RlimitRule& rule : kRules) {
    if (rule.resource == RLIMIT_AS && !address_space) continue;
    rlimit current{RLIM_INFINITY, RLIM_INFINITY};
    getrlimit(rule.resource, &current);
    const SoftHard wanted = rule.from_limits(limits);
    RlimitSetting& setting = plan.settings[plan.count++];
    setting.resource = rule.resource;
    setting.name = rule.name;
    setting.value.rlim_max = Clamp(wanted.hard, current.rlim_max);
    setting.value.rlim_cur = std::min(Clamp(wanted.soft, current.rlim_max), setting.value.rlim_max);
  }
  return plan;
}

int ApplyRlimits(const RlimitPlan& plan, size_t* failed_index) {
  for (size_t i = 0; i < plan.count; ++i) {
    const RlimitSetting& setting = plan.settings[i];
    if (setrlimit(setting.resource, &setting.value) != 0) {
      *failed_index = i;
      return errno;
    }
  }
  return 0;
}

}  // namespace sandbox
