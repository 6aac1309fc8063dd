#include "grader/work_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

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

}  // namespace

base::StatusOr<WorkDir> WorkDir::Create(const std::filesystem::path& parent) {
  std::string path_template = (parent / "dlgrader-XXXXXX").string();
  if (::mkdtemp(path_template.data()) == nullptr) {
    return base::Status::Internal("cannot create a work directory in " + parent.string() + ": " +
                                  std::strerror(errno));
  }
  return WorkDir(path_template);
}

WorkDir::WorkDir(WorkDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

WorkDir::~WorkDir() {
  if (path_.empty()) return;
  const int fd = open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0) RemoveContents(fd, kMaxDepth);
  rmdir(path_.c_str());
}

}  // namespace grader
