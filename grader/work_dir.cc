#include "grader/work_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "grader/orphans.h"
#include "sandbox/owner.h"

namespace grader {
namespace {

// Removes everything inside the directory open at `dir_fd`, then nothing else. Every step is
// relative to an fd opened with O_NOFOLLOW | O_DIRECTORY, so a symbolic link planted by the
// sandboxed compiler (or swapped in for a directory) is unlinked, never followed; FIFOs and
// devices are unlinked without being opened. `depth` bounds recursion on hostile trees.
void RemoveContents(int dir_fd, int depth) {
  DIR* dir = fdopendir(dir_fd);
  if (dir == nullptr) {
    close(dir_fd);
    return;
  }
  std::vector<std::string> names;
  while (const dirent* entry = readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  const int fd = dirfd(dir);
  for (const std::string& name : names) {
    if (unlinkat(fd, name.c_str(), 0) == 0) continue;
    if (errno != EISDIR && errno != EPERM) continue;
    if (depth <= 0) continue;
    const int child = openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (child < 0) continue;
    RemoveContents(child, depth - 1);
    unlinkat(fd, name.c_str(), AT_REMOVEDIR);
  }
  closedir(dir);  // closes dir_fd
}

constexpr int kMaxDepth = 64;

// Once per process and parent directory, before the first work directory there.
void RemoveOrphansOnce(const std::filesystem::path& parent) {
  static std::mutex mutex;
  static std::set<std::filesystem::path> cleaned;
  std::lock_guard<std::mutex> lock(mutex);
  if (cleaned.insert(parent).second) RemoveOrphanWorkDirs(parent);
}

}  // namespace

base::StatusOr<WorkDir> WorkDir::Create(const std::filesystem::path& parent) {
  RemoveOrphansOnce(parent);
  std::string path_template =
      (parent / ("dlgrader-" + sandbox::OwnerTag(sandbox::SelfOwner()) + "-XXXXXX")).string();
  if (::mkdtemp(path_template.data()) == nullptr) {
    return base::Status::Internal("cannot create a work directory in " + parent.string() + ": " +
                                  std::strerror(errno));
  }
  // The lock comes second: in between, the owner's pid and start time already say "alive".
  const int lock_fd = open(path_template.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    const std::string why = std::strerror(errno);
    if (lock_fd >= 0) close(lock_fd);
    RemoveTree(path_template);
    return base::Status::Internal("cannot lock the work directory " + path_template + ": " + why);
  }
  return WorkDir(path_template, lock_fd);
}

WorkDir::WorkDir(WorkDir&& other) noexcept
    : path_(std::move(other.path_)), lock_fd_(std::exchange(other.lock_fd_, -1)) {
  other.path_.clear();
}

WorkDir::~WorkDir() {
  if (!path_.empty()) RemoveTree(path_);
  if (lock_fd_ >= 0) close(lock_fd_);  // after the removal: never "unlocked but still there"
}

void RemoveTree(const std::filesystem::path& dir) {
  const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) RemoveContents(fd, kMaxDepth);
  rmdir(dir.c_str());
}

}  // namespace grader
