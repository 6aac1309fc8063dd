// Cgroups: a fresh cgroup per run in the v1 `memory` and `pids` hierarchies.
//
// The memory controller limits what the box may keep resident (memory.limit_in_bytes, and
// memory.memsw.limit_in_bytes so that swap is no way out), measures its peak
// (memory.max_usage_in_bytes) and says whether the kernel OOM-killed something in it
// (oom_kill in memory.oom_control). The pids controller bounds processes and threads
// (pids.max), whatever their uid. The groups are created under the grader's own cgroup (so
// the host's limits on the grader still cover its boxes) and removed when the object dies,
// after the box's processes are gone. Where a hierarchy is missing or not writable, the box
// runs without it and note() says so; the launcher then falls back to rlimits.
// A group is named dlgrader-box-<owner tag>-<n> (sandbox/owner.h): before its first box, a
// process removes the empty groups whose owner is gone (a grader killed with SIGKILL).
// Not thread-safe per object; distinct objects are independent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

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
  // Open cgroup.procs files; the child writes "0" to each to join (launcher.cc).
  std::vector<int> JoinFds() const;
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
  UniqueFd memory_procs_;
  UniqueFd pids_procs_;
  std::string note_;
};

// Where this process makes its box groups: /sys/fs/cgroup/<controller><own path> for the v1
// memory and pids hierarchies it can use; empty where the host has none.
std::vector<std::string> OwnGroupParents();

// Removes the groups directly under each of `parents` named dlgrader-box-<tag>-<n> whose owner
// is gone (older names dlgrader-box-<pid>-<n>: whose pid is gone). A group whose processes are
// still exiting is waited for up to 2 s; one that still holds processes after that stays (rmdir
// refuses it). Other names are never touched. Returns how many went.
size_t RemoveOrphanGroups(const std::vector<std::string>& parents);

}  // namespace sandbox
