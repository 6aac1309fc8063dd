#include "sandbox/cgroups.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <utility>

#include "sandbox/errno_text.h"
#include "sandbox/owner.h"

namespace sandbox {
namespace {

constexpr const char* kCgroupRoot = "/sys/fs/cgroup";

// The grader's own cgroup path in v1 hierarchy `controller` ("/..." or "" when absent).
std::string ReadOwnCgroup(const std::string& controller) {
  std::ifstream in("/proc/self/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    // "4:memory:/process_api/abc"; a hierarchy may list several controllers: "2:cpu,cpuacct:/".
    const size_t first = line.find(':');
    const size_t second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    std::stringstream controllers(line.substr(first + 1, second - first - 1));
    std::string name;
    while (std::getline(controllers, name, ',')) {
      if (name == controller) return line.substr(second + 1);
    }
  }
  return "";
}

// Read once per process: the grader does not move between cgroups while it runs.
const std::string& OwnCgroup(const std::string& controller) {
  static const std::string memory = ReadOwnCgroup("memory");
  static const std::string pids = ReadOwnCgroup("pids");
  static const std::string none;
  return controller == "memory" ? memory : controller == "pids" ? pids : none;
}

bool WriteText(const std::string& path, const std::string& text) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  return write(fd.get(), text.data(), text.size()) == static_cast<ssize_t>(text.size());
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

constexpr std::string_view kGroupPrefix = "dlgrader-box-";

// dlgrader-box-<owner tag>-<n>: the owner lets a later grader remove it after a kill.
std::string UniqueName() {
  static std::atomic<uint64_t> counter{0};
  return std::string(kGroupPrefix) + OwnerTag(SelfOwner()) + "-" + std::to_string(counter++);
}

// The owner named by a box group's directory name, or nullopt for any other name.
std::optional<Owner> GroupOwner(std::string_view name) {
  if (!name.starts_with(kGroupPrefix)) return std::nullopt;
  name.remove_prefix(kGroupPrefix.size());
  const size_t last_dash = name.rfind('-');
  if (last_dash == std::string_view::npos) return std::nullopt;
  const std::string_view counter = name.substr(last_dash + 1);
  if (counter.empty() ||
      !std::all_of(counter.begin(), counter.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return ParseOwnerTag(name.substr(0, last_dash));
}

// Makes <root>/<controller><own path>/<name>. Returns "" and sets *why on failure.
std::string MakeGroup(const std::string& controller, const std::string& name, std::string* why) {
  const std::string& own = OwnCgroup(controller);
  const std::string hierarchy = std::string(kCgroupRoot) + "/" + controller;
  if (own.empty() || access((hierarchy + "/cgroup.procs").c_str(), F_OK) != 0) {
    *why = "no cgroup v1 " + controller + " hierarchy";
    return "";
  }
  const std::string dir = hierarchy + (own == "/" ? "" : own) + "/" + name;
  if (mkdir(dir.c_str(), 0700) != 0) {
    *why = "cannot create " + dir + ": " + ErrnoText(errno);
    return "";
  }
  return dir;
}

void RemoveGroup(const std::string& dir) {
  // The last task leaves asynchronously after its parent reaped it: retry briefly on EBUSY.
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    if (errno != EBUSY) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Removes `groups`, waiting briefly for those whose processes are still exiting. A killed
// owner's box processes die with it (PR_SET_PDEATHSIG), but tearing down their pid namespace
// takes the kernel a moment, and rmdir refuses a group (EBUSY) until its last process has gone.
// A group still busy after the wait stays for a later run. Returns how many were removed.
size_t RemoveWhenEmpty(std::vector<std::string> groups) {
  constexpr auto kTeardownWait = std::chrono::seconds(2);
  const auto deadline = std::chrono::steady_clock::now() + kTeardownWait;
  size_t removed = 0;
  while (true) {
    std::vector<std::string> busy;
    for (std::string& group : groups) {
      if (rmdir(group.c_str()) == 0) {
        ++removed;
      } else if (errno == EBUSY) {
        busy.push_back(std::move(group));
      }
    }
    if (busy.empty() || std::chrono::steady_clock::now() >= deadline) return removed;
    groups = std::move(busy);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace

std::vector<std::string> OwnGroupParents() {
  std::vector<std::string> parents;
  for (const char* controller : {"memory", "pids"}) {
    const std::string& own = OwnCgroup(controller);
    if (own.empty()) continue;
    parents.push_back(std::string(kCgroupRoot) + "/" + controller + (own == "/" ? "" : own));
  }
  return parents;
}

size_t RemoveOrphanGroups(const std::vector<std::string>& parents) {
  size_t removed = 0;
  for (const std::string& parent : parents) {
    DIR* dir = opendir(parent.c_str());
    if (dir == nullptr) continue;
    std::vector<std::string> orphans;
    while (const dirent* entry = readdir(dir)) {
      const std::optional<Owner> owner = GroupOwner(entry->d_name);
      if (owner && !OwnerAlive(*owner)) orphans.push_back(parent + "/" + entry->d_name);
    }
    closedir(dir);
    removed += RemoveWhenEmpty(std::move(orphans));
  }
  return removed;
}

BoxCgroup BoxCgroup::Create(const Limits& limits, int64_t extra_processes) {
  // Once per process, before its first box: the groups of graders that were killed.
  static std::once_flag orphans_removed;
  std::call_once(orphans_removed, [] { RemoveOrphanGroups(OwnGroupParents()); });
  BoxCgroup group;
  const std::string name = UniqueName();
  std::string why;
  group.memory_dir_ = MakeGroup("memory", name, &why);
  if (!group.memory_dir_.empty()) {
    const std::string bytes = std::to_string(limits.memory_bytes);
    const std::string memsw = group.memory_dir_ + "/memory.memsw.limit_in_bytes";
    if (!WriteText(group.memory_dir_ + "/memory.limit_in_bytes", bytes) ||
        (access(memsw.c_str(), F_OK) == 0 && !WriteText(memsw, bytes))) {
      why = "cannot set the memory cgroup limit: " + ErrnoText(errno);
      RemoveGroup(group.memory_dir_);
      group.memory_dir_.clear();
    } else {
      group.memory_procs_ =
          UniqueFd(open((group.memory_dir_ + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
    }
  }
  if (group.memory_dir_.empty()) group.note_ = "memory: " + why + "; using RLIMIT_AS";

  why.clear();
  group.pids_dir_ = MakeGroup("pids", name, &why);
  if (!group.pids_dir_.empty()) {
    if (!WriteText(group.pids_dir_ + "/pids.max",
                   std::to_string(limits.processes + extra_processes))) {
      why = "cannot set pids.max: " + ErrnoText(errno);
      RemoveGroup(group.pids_dir_);
      group.pids_dir_.clear();
    } else {
      group.pids_procs_ =
          UniqueFd(open((group.pids_dir_ + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
    }
  }
  if (group.pids_dir_.empty()) {
    if (!group.note_.empty()) group.note_ += "; ";
    group.note_ += "pids: " + why + "; using RLIMIT_NPROC";
  }
  return group;
}

BoxCgroup::BoxCgroup(BoxCgroup&& other) noexcept
    : memory_dir_(std::exchange(other.memory_dir_, {})),
      pids_dir_(std::exchange(other.pids_dir_, {})),
      memory_procs_(std::move(other.memory_procs_)),
      pids_procs_(std::move(other.pids_procs_)),
      note_(std::move(other.note_)) {}

BoxCgroup::~BoxCgroup() { Remove(); }

std::vector<int> BoxCgroup::JoinFds() const {
  std::vector<int> fds;
  if (memory_procs_.valid()) fds.push_back(memory_procs_.get());
  if (pids_procs_.valid()) fds.push_back(pids_procs_.get());
  return fds;
}

int64_t BoxCgroup::PeakMemoryBytes() const {
  if (memory_dir_.empty()) return 0;
  const std::string text = ReadText(memory_dir_ + "/memory.max_usage_in_bytes");
  return text.empty() ? 0 : std::stoll(text);
}

bool BoxCgroup::OomKilled() const {
  if (memory_dir_.empty()) return false;
  std::stringstream text(ReadText(memory_dir_ + "/memory.oom_control"));
  std::string key;
  int64_t value = 0;
  while (text >> key >> value) {
    if (key == "oom_kill") return value > 0;
  }
  return false;
}

void BoxCgroup::Remove() {
  memory_procs_.Reset();
  pids_procs_.Reset();
  if (!memory_dir_.empty()) RemoveGroup(memory_dir_);
  if (!pids_dir_.empty()) RemoveGroup(pids_dir_);
  memory_dir_.clear();
  pids_dir_.clear();
}

}  // namespace sandbox
