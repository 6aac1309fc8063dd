#include "sandbox/classify.h"

#include <signal.h>

namespace sandbox {
namespace {

// Memory heuristic. RLIMIT_AS makes allocations *fail* (the program sees null, bad_alloc or
// MemoryError and usually exits non-zero: the grader layer reads that exit code); the kernel does
// not report "memory limit" by itself. But a program can also die from its memory use: the OOM
// killer sends SIGKILL, and a stack or heap growth refused by RLIMIT_AS/RLIMIT_STACK shows up as
// SIGSEGV. When either signal arrives while the measured peak is within 10% of the limit, we call
// it MEMORY rather than SIGNALED. Where the memory cgroup exists, its OOM counter
// (RunFacts::oom_killed) decides first and this guess rarely matters.
constexpr int64_t kMemoryNearLimitPercent = 90;

bool NearMemoryLimit(int64_t peak_memory_bytes, int64_t memory_limit_bytes) {
  return memory_limit_bytes > 0 && peak_memory_bytes > 0 &&
         peak_memory_bytes * 100 >= memory_limit_bytes * kMemoryNearLimitPercent;
}

}  // namespace

Status Classify(const RunFacts& facts, const Limits& limits) {
  const int signal_number = facts.exited ? 0 : facts.signal;
  if (signal_number == SIGSYS || facts.kill_reason == KillReason::kForbiddenSyscall) {
    return Status::kForbiddenSyscall;
  }
  if (facts.kill_reason == KillReason::kOutput) return Status::kOutput;
  if (facts.oom_killed) return Status::kMemory;
  if (signal_number == SIGXCPU || facts.kill_reason == KillReason::kCpuTime ||
      facts.cpu_time >= limits.cpu_time) {
    return Status::kCpuTime;
  }
  if (facts.kill_reason == KillReason::kWallTime) return Status::kWallTime;
  if (signal_number == SIGXFSZ) return Status::kOutput;
  if ((signal_number == SIGKILL || signal_number == SIGSEGV) &&
      NearMemoryLimit(facts.peak_memory_bytes, limits.memory_bytes)) {
    return Status::kMemory;
  }
  if (!facts.exited) return Status::kSignaled;
  return Status::kOk;
}

}  // namespace sandbox
