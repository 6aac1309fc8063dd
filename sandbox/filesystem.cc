#include "sandbox/filesystem.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <set>

namespace sandbox {
namespace {

constexpr unsigned long kReadOnlyFlags = MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV;
constexpr unsigned long kWritableFlags = MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV;

// mkdir -p of `path` under the new root, once per directory.
void AddMkdirs(const std::string& root, const std::string& path, std::set<std::string>* made,
               std::vector<MountOp>* ops) {
  size_t at = 0;
  while (at != std::string::npos) {
    at = path.find('/', at + 1);
    const std::string prefix = path.substr(0, at);
    if (prefix.empty() || !made->insert(prefix).second) continue;
    ops->push_back({MountOp::kMkdir, "", root + prefix});
  }
}

bool IsCleanAbsolute(const std::string& path) {
  return !path.empty() && path[0] == '/' && path.find("/..") == std::string::npos &&
         path.find("/./") == std::string::npos && path.find('\0') == std::string::npos;
}

int Apply(const MountOp& op) {
  const char* target = op.target.c_str();
  switch (op.kind) {
    case MountOp::kMkdir:
      return mkdir(target, 0755) == 0 || errno == EEXIST ? 0 : errno;
    case MountOp::kTouch: {
      const int fd = open(target, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0444);
      if (fd < 0) return errno;
      close(fd);
      return 0;
    }
    case MountOp::kSymlink:
      return symlink(op.source.c_str(), target) == 0 ? 0 : errno;
    case MountOp::kBindReadOnly:
    case MountOp::kBindWritable: {
      if (mount(op.source.c_str(), target, nullptr, MS_BIND | MS_REC, nullptr) != 0) return errno;
      const unsigned long flags =
          op.kind == MountOp::kBindReadOnly ? kReadOnlyFlags : kWritableFlags;
      return mount(nullptr, target, nullptr, flags, nullptr) == 0 ? 0 : errno;
    }
    case MountOp::kBindDevice:
      return mount(op.source.c_str(), target, nullptr, MS_BIND, nullptr) == 0 ? 0 : errno;
    case MountOp::kTmpfs:
      return mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, op.source.c_str()) == 0 ? 0
                                                                                           : errno;
    case MountOp::kProc:
      return mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0 ? 0
                                                                                           : errno;
  }
  return EINVAL;
}

}  // namespace

base::StatusOr<FsView> CompileView(const Command& command, const std::string& empty_dir) {
  FsView view;
  view.root = empty_dir;
  const std::string& root = view.root;
  std::set<std::string> made;
  auto& ops = view.ops;
  ops.push_back({MountOp::kTmpfs, "size=1m,mode=0755", root});
  AddMkdirs(root, "/usr", &made, &ops);
  ops.push_back({MountOp::kBindReadOnly, "/usr", root + "/usr"});
  // Merged-/usr hosts have links here; older ones have directories.
  for (const char* top : {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"}) {
    struct stat st {};
    if (lstat(top, &st) != 0) continue;
    if (S_ISLNK(st.st_mode)) {
      char link[256];
      const ssize_t size = readlink(top, link, sizeof link - 1);
      if (size <= 0) continue;
      ops.push_back({MountOp::kSymlink, std::string(link, static_cast<size_t>(size)), root + top});
    } else if (S_ISDIR(st.st_mode)) {
      AddMkdirs(root, top, &made, &ops);
      ops.push_back({MountOp::kBindReadOnly, top, root + top});
    }
  }
  AddMkdirs(root, "/etc", &made, &ops);
  if (access("/etc/ld.so.cache", R_OK) == 0) {
    ops.push_back({MountOp::kTouch, "", root + "/etc/ld.so.cache"});
    ops.push_back({MountOp::kBindReadOnly, "/etc/ld.so.cache", root + "/etc/ld.so.cache"});
  }
  if (access("/etc/alternatives", R_OK) == 0) {
    AddMkdirs(root, "/etc/alternatives", &made, &ops);
    ops.push_back({MountOp::kBindReadOnly, "/etc/alternatives", root + "/etc/alternatives"});
  }
  AddMkdirs(root, "/dev", &made, &ops);
  ops.push_back({MountOp::kTmpfs, "size=64k,mode=0755", root + "/dev"});
  for (const char* device : {"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"}) {
    ops.push_back({MountOp::kTouch, "", root + device});
    ops.push_back({MountOp::kBindDevice, device, root + device});
  }
  AddMkdirs(root, "/proc", &made, &ops);
  ops.push_back({MountOp::kProc, "", root + "/proc"});
  AddMkdirs(root, "/tmp", &made, &ops);
  ops.push_back({MountOp::kTmpfs, "size=64m,mode=1777", root + "/tmp"});
  // Read-only first: a writable directory may sit inside a read-only one.
  for (const auto* list : {&command.readonly_dirs, &command.writable_dirs}) {
    const bool writable = list == &command.writable_dirs;
    for (const std::string& dir : *list) {
      if (!IsCleanAbsolute(dir)) {
        return base::Status::InvalidArgument(
            std::string(writable ? "command.writable_dirs" : "command.readonly_dirs") +
            " entries must be clean absolute paths, got '" + dir + "'");
      }
      AddMkdirs(root, dir, &made, &ops);
      ops.push_back({writable ? MountOp::kBindWritable : MountOp::kBindReadOnly, dir, root + dir});
    }
  }
  return view;
}

int EnterView(const FsView& view, size_t* failed) {
  // Nothing we mount may propagate back to the host's namespace.
  *failed = 0;
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno;
  for (size_t i = 0; i < view.ops.size(); ++i) {
    if (const int error_number = Apply(view.ops[i]); error_number != 0) {
      *failed = i;
      return error_number;
    }
  }
  *failed = view.ops.size();
  // pivot_root(".", "."): the old root ends up on top of the new one; detaching it leaves only
  // the new root (pivot_root(2), NOTES).
  if (chdir(view.root.c_str()) != 0) return errno;
  if (syscall(SYS_pivot_root, ".", ".") != 0) return errno;
  if (umount2(".", MNT_DETACH) != 0) return errno;
  if (chdir("/") != 0) return errno;
  // The root tmpfs itself becomes read-only: nothing may be created beside the mounts.
  if (mount(nullptr, "/", nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, nullptr) != 0) {
    return errno;
  }
  return 0;
}

int EnterEmptyRoot(const char* dir) {
  if (chroot(dir) != 0) return errno;
  return chdir("/") == 0 ? 0 : errno;
}

}  // namespace sandbox
