#include "sandbox/credentials.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <mutex>

#include "sandbox/errno_text.h"

namespace sandbox {
namespace {

// Creates `path` with `mode` if missing; insists that it is a root-owned directory that nobody
// else can write, so that no box uid can plant anything in it.
base::Status EnsureOwnDir(const std::string& path, mode_t mode) {
  if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return base::Status::Internal("cannot create " + path + ": " + ErrnoText(errno));
  }
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
      (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    return base::Status::Internal(path +
                                  " must be a directory owned by the grader and "
                                  "writable by nobody else");
  }
  if ((st.st_mode & 07777) != mode && chmod(path.c_str(), mode) != 0) {
    return base::Status::Internal("cannot chmod " + path + ": " + ErrnoText(errno));
  }
  return base::Status::Ok();
}

base::StatusOr<std::string> MakeStateDir() {
  const std::string base = access("/run", W_OK) == 0 ? "/run/dlgrader" : "/tmp/dlgrader";
  RETURN_IF_ERROR(EnsureOwnDir(base, 0755));
  RETURN_IF_ERROR(EnsureOwnDir(base + "/slots", 0700));
  RETURN_IF_ERROR(EnsureOwnDir(base + "/empty", 0555));
  return base;
}

}  // namespace

base::StatusOr<std::string> StateDir() {
  static std::once_flag once;
  static base::StatusOr<std::string> dir = base::Status::Internal("not made");
  std::call_once(once, [] { dir = MakeStateDir(); });
  return dir;
}

base::StatusOr<UidLease> UidLease::Acquire() {
  base::StatusOr<std::string> state = StateDir();
  if (!state.ok()) return state.status();
  thread_local int previous = -1;
  for (int i = -1; i < kSlotCount; ++i) {
    const int slot = i < 0 ? previous : i;
    if (slot < 0 || (i >= 0 && slot == previous)) continue;
    const std::string path = *state + "/slots/" + std::to_string(slot);
    UniqueFd fd(open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) {
      return base::Status::Internal("cannot open the slot lock " + path + ": " + ErrnoText(errno));
    }
    if (flock(fd.get(), LOCK_EX | LOCK_NB) == 0) {
      previous = slot;
      return UidLease(slot, std::move(fd));
    }
  }
  return base::Status::Internal("all " + std::to_string(kSlotCount) + " sandbox uids are in use");
}

// Raw syscalls, not the glibc wrappers: those broadcast the change to every thread glibc knows
// of, and a child made with a raw clone() still "knows" the grader's threads.
int DropPrivileges(uid_t uid, gid_t gid) {
  if (syscall(SYS_setgroups, 0, nullptr) != 0) return errno;
  if (syscall(SYS_setresgid, gid, gid, gid) != 0) return errno;
  if (syscall(SYS_setresuid, uid, uid, uid) != 0) return errno;
  return 0;
}

}  // namespace sandbox
