// Cgroups: a cgroup pair per box in the v1 `memory` and `pids` hierarchies.
//
// The memory controller limits what the box may keep resident (memory.limit_in_bytes, and
// memory.memsw.limit_in_bytes so that swap is no way out), measures its peak
// (memory.max_usage_in_bytes) and says whether the kernel OOM-killed something in it
// (oom_kill in memory.oom_control). The pids controller bounds processes and threads
// (pids.max), whatever their uid. The groups are created under the grader's own cgroup (so
// the host's limits on the grader still cover its boxes) and removed when the object dies,
// after the box's processes are gone. Where a hierarchy is missing or not writable, the box
// runs without it and note() says so; the launcher then falls back to rlimits.
// kExecute boxes of a root grader reuse one pair per uid slot (SlotCgroup): made on the slot's
// first run, then Reuse()d, which costs a few small writes instead of mkdir, limit writes and
// rmdir per run; the pairs go when the process exits. The box joins by writing "0" to the
// `tasks` files (its init is single-threaded then): unlike `cgroup.procs`, moving only the
// calling thread does not take the kernel's global threadgroup lock, whose write side waits
// for an RCU grace period (milliseconds of wall time per run).
// A group is named dlgrader-box-<owner tag>-<n> (sandbox/owner.h): before its first box, a
// process removes the empty groups whose owner is gone (a grader killed with SIGKILL).
// Not thread-safe per object; distinct objects are independent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "sandbox/pipes.h"
#include "sandbox/sandbox.h"

namespace sandbox {

class BoxCgroup {
 public:
  // `extra_processes`: processes the sandbox itself adds to the box (the init).
  static BoxCgroup Create(const Limits& limits, int64_t extra_processes);
  BoxCgroup(BoxCgroup&& other) noexcept;
  BoxCgroup& operator=(BoxCgroup&&) = delete;
  BoxCgroup(const BoxCgroup&) = delete;
  ~BoxCgroup();

  bool memory_limited() const { return memory_dir_.size() > 0; }
  bool pids_limited() const { return pids_dir_.size() > 0; }
  // Open `tasks` files; the child writes "0" to each to join (launcher.cc).
  std::vector<int> JoinFds() const;

  // Readies a group that has run boxes before for the next one: writes the limits that changed,
  // resets the peak and notes the OOM-kill count, so that PeakMemoryBytes() and OomKilled()
  // speak of the next run alone. REQUIRES: every process of the previous box has been reaped.
  // On an error the group must not be used for a box.
  base::Status Reuse(const Limits& limits, int64_t extra_processes);
  // Why a controller is not used ("" when both are).
  const std::string& note() const { return note_; }

  // After the run. 0 / false when the memory controller is not in use.
  int64_t PeakMemoryBytes() const;
  bool OomKilled() const;

  // Removes the groups now (REQUIRES: every process of the box has been reaped).
  void Remove();

 private:
  BoxCgroup() = default;
  std::string memory_dir_;
  std::string pids_dir_;
  UniqueFd memory_tasks_;
  UniqueFd pids_tasks_;
  std::string note_;
  int64_t memory_limit_bytes_ = 0;  // as last written
  int64_t pids_limit_ = 0;          // as last written
  int64_t oom_kills_before_ = 0;    // the oom_kill count when the run began
};

// The group pair kept for uid slot `slot` (credentials.h) for this process's life, readied by
// Reuse() for `limits`; made on the slot's first use. Removed at exit (atexit; a killed
// grader's pairs go by RemoveOrphanGroups). nullptr when it could not be readied (the caller
// then makes a fresh group). REQUIRES: the caller holds the slot's lease, so that one box at a
// time uses the pair, and keeps it until the box's processes are reaped.
BoxCgroup* SlotCgroup(int slot, const Limits& limits, int64_t extra_processes);

// Where this process makes its box groups: /sys/fs/cgroup/<controller><own path> for the v1
// memory and pids hierarchies it can use; empty where the host has none.
std::vector<std::string> OwnGroupParents();

// Removes the groups directly under each of `parents` named dlgrader-box-<tag>-<n> whose owner
// is gone (older names dlgrader-box-<pid>-<n>: whose pid is gone). A group whose processes are
// still exiting is waited for up to 2 s; one that still holds processes after that stays (rmdir
// refuses it). Other names are never touched. Returns how many went.
size_t RemoveOrphanGroups(const std::vector<std::string>& parents);

}  // namespace sandbox
