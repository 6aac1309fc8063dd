// Credentials: a uid/gid of its own for every box that runs at the same time.
//
// When the grader runs as root, each Run() leases a slot s in [0, kSlotCount) and its child runs
// as uid = gid = kFirstBoxUid + s with no supplementary groups. A lease is an exclusive flock()
// on <state dir>/slots/<s>, so concurrent Run() calls in *different* grader processes never share
// a uid either (RLIMIT_NPROC and kill() permission checks are per uid). The lock disappears with
// the fd, even if the grader crashes. Not root: no lease, the child keeps the grader's ids.
// Thread-safe.
#pragma once

#include <sys/types.h>

#include <string>

#include "base/status.h"
#include "sandbox/pipes.h"

namespace sandbox {

inline constexpr uid_t kFirstBoxUid = 60000;
inline constexpr int kSlotCount = 1000;

// The root-owned directory of the sandbox's own state: /run/dlgrader (or /tmp/dlgrader when /run
// is missing), mode 0755, created on first use. Holds slots/ (0700) and empty/ (0555, an empty
// directory used as the execute box's root and as the compile box's mount point).
base::StatusOr<std::string> StateDir();

class UidLease {
 public:
  // A free slot, or an error when all kSlotCount are taken. The calling thread's previous slot
  // is tried first, then the slots from 0 up: a process keeps reusing a few slots (and their
  // kept cgroups, cgroups.h) instead of walking through all of them.
  static base::StatusOr<UidLease> Acquire();
  int slot() const { return slot_; }
  uid_t uid() const { return kFirstBoxUid + static_cast<uid_t>(slot_); }
  gid_t gid() const { return kFirstBoxUid + static_cast<gid_t>(slot_); }

 private:
  UidLease(int slot, UniqueFd lock) : slot_(slot), lock_(std::move(lock)) {}
  friend class base::StatusOr<UidLease>;
  int slot_ = 0;
  UniqueFd lock_;
};

// Child side, async-signal-safe: drops every supplementary group, then gid, then uid (in that
// order: after setresuid we could no longer change groups). Returns 0 or an errno.
int DropPrivileges(uid_t uid, gid_t gid);

}  // namespace sandbox
