// procfs: what /proc says about the child while it runs (CPU time, resident memory).
//
// These are samples taken by the supervisor between poll() wake-ups; the exact figures come from
// wait4() at the end. Thread-safe: no shared state.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

namespace sandbox {

// User + system CPU time of every live process in process group `pgid`, including the children
// each of them has reaped (cutime/cstime). Processes that left the group (setsid) are not seen:
// the cgroup of the hardened sandbox closes that gap. Scans /proc: O(processes on the host).
std::chrono::milliseconds ProcessGroupCpuTime(pid_t pgid);

// The high-water mark of resident memory (VmHWM) of `pid`, or 0 if unknown (e.g. exited).
int64_t PeakResidentBytes(pid_t pid);

// The current resident memory of the calling process (/proc/self/statm), or 0 if unknown.
int64_t OwnResidentBytes();

}  // namespace sandbox
