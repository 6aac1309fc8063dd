#include "grader/orphans.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grader/work_dir.h"
#include "sandbox/owner.h"

namespace grader {
namespace {

constexpr std::string_view kPrefix = "dlgrader-";
constexpr size_t kSuffixChars = 6;  // mkdtemp's XXXXXX

// The owner named by "dlgrader-<pid>-<start>-XXXXXX", or nullopt for any other name.
std::optional<sandbox::Owner> WorkDirOwner(std::string_view name) {
  if (!name.starts_with(kPrefix) || name.size() < kPrefix.size() + kSuffixChars + 2) {
    return std::nullopt;
  }
  name.remove_prefix(kPrefix.size());
  if (name[name.size() - kSuffixChars - 1] != '-') return std::nullopt;
  const std::string_view tag = name.substr(0, name.size() - kSuffixChars - 1);
  // Both parts are required: an owner without a start time is not one we wrote.
  if (tag.find('-') == std::string_view::npos) return std::nullopt;
  return sandbox::ParseOwnerTag(tag);
}

// True when no process holds the owner's lock on the directory at `parent_fd`/`name`.
bool Unlocked(int parent_fd, const char* name) {
  const int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  const bool unlocked = flock(fd, LOCK_EX | LOCK_NB) == 0;
  close(fd);  // releases our probe's lock
  return unlocked;
}

}  // namespace

size_t RemoveOrphanWorkDirs(const std::filesystem::path& parent) {
  DIR* dir = opendir(parent.c_str());
  if (dir == nullptr) return 0;
  std::vector<std::string> orphans;
  while (const dirent* entry = readdir(dir)) {
    const std::optional<sandbox::Owner> owner = WorkDirOwner(entry->d_name);
    if (!owner || sandbox::OwnerAlive(*owner)) continue;
    if (Unlocked(dirfd(dir), entry->d_name)) orphans.push_back(entry->d_name);
  }
  closedir(dir);
  for (const std::string& name : orphans) RemoveTree(parent / name);
  return orphans.size();
}

}  // namespace grader
