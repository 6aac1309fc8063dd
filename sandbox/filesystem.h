// Filesystem view: what a box can see.
//
//   kCompile  a private mount namespace whose root is a fresh tmpfs holding only: /usr (and the
//             /bin, /lib*, /sbin links or binds of the host), /etc/ld.so.cache and
//             /etc/alternatives, all read-only and nosuid; /dev with null, zero, random and
//             urandom; a private /tmp (tmpfs); /proc of the box's own pid namespace; and the
//             Command's readonly_dirs (read-only) and writable_dirs (read-write), at their host
//             paths. The data directory, the grader's sources and other boxes' work
//             directories are simply not there. Entered with pivot_root; the old root is
//             detached.
//   kExecute  chroot into an empty, root-owned, read-only directory: the program is exec'd
//             from an fd, needs no file at all, and whatever path it names resolves to nothing.
// The parent prepares the list of operations (it allocates); the child performs them with
// plain syscalls. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "sandbox/sandbox.h"

namespace sandbox {

struct MountOp {
  enum Kind { kMkdir, kTouch, kSymlink, kBindReadOnly, kBindWritable, kBindDevice, kTmpfs, kProc };
  Kind kind;
  std::string source;  // kBind*: host path; kSymlink: link text; kTmpfs: mount options
  std::string target;  // path under the new root, absolute in the grader's view
};

struct FsView {
  std::string root;          // the new root's mount point (an empty directory)
  std::vector<MountOp> ops;  // in order
};

// The compile view for `command` (mounted on `empty_dir`).
base::StatusOr<FsView> CompileView(const Command& command, const std::string& empty_dir);

// Child side, async-signal-safe: builds the view and pivots into it. Returns 0 or an errno and
// the index of the failed op in *failed (ops.size() for the pivot itself).
int EnterView(const FsView& view, size_t* failed);

// Child side: chroot(dir) and chdir("/"). Returns 0 or an errno.
int EnterEmptyRoot(const char* dir);

}  // namespace sandbox
