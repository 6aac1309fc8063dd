// Owners of leftovers: the process that created a work directory or a box cgroup, named in it.
//
// A grader killed with SIGKILL cannot remove what it created. Everything it creates therefore
// carries its owner, "<pid>-<start>" (start = the process's start time in clock ticks since
// boot, /proc/<pid>/stat field 22), and the next grader removes what belongs to owners that are
// gone. The start time is what makes a reused pid harmless: a new process with the old pid has
// a later start time, so it is not taken for the owner. Thread-safe: no shared state.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sandbox {

struct Owner {
  pid_t pid = 0;
  uint64_t start_ticks = 0;  // 0: unknown (names from before owners carried it)
};

// The calling process (after fork, the child).
Owner SelfOwner();

// "<pid>-<start>".
std::string OwnerTag(const Owner& owner);

// Parses "<pid>-<start>" or, for older names, "<pid>" (start_ticks = 0).
std::optional<Owner> ParseOwnerTag(std::string_view tag);

// True while the owner's process runs: the pid exists and, when start_ticks is known, started
// at that tick. A process in another pid namespace is not seen (callers add a lock for that).
bool OwnerAlive(const Owner& owner);

// /proc/<pid>/stat's start time, or nullopt when there is no such process.
std::optional<uint64_t> ProcessStartTicks(pid_t pid);

}  // namespace sandbox
