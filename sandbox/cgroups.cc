#include "sandbox/cgroups.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
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

constexpr int64_t kUnlimited = INT64_MAX;

// memory.limit_in_bytes and, where swap accounting is on, memory.memsw.limit_in_bytes (so that
// swap is no way out), both `bytes`. The kernel wants limit <= memsw at every step: going down,
// the limit first; going up, memsw first. `old_bytes`: the limits as they are.
bool SetMemoryLimit(const std::string& dir, int64_t bytes, int64_t old_bytes) {
  const std::string limit = dir + "/memory.limit_in_bytes";
  const std::string memsw = dir + "/memory.memsw.limit_in_bytes";
  const std::string text = std::to_string(bytes);
  const bool has_memsw = access(memsw.c_str(), F_OK) == 0;
  if (bytes <= old_bytes) {
    return WriteText(limit, text) && (!has_memsw || WriteText(memsw, text));
  }
  return (!has_memsw || WriteText(memsw, text)) && WriteText(limit, text);
}

// `tasks`, not `cgroup.procs`: see the header.
UniqueFd OpenTasks(const std::string& dir) {
  return UniqueFd(open((dir + "/tasks").c_str(), O_WRONLY | O_CLOEXEC));
}

// How many processes the kernel's OOM killer has killed in the group (oom_kill in
// memory.oom_control), 0 when unknown.
int64_t OomKillCount(const std::string& memory_dir) {
  std::stringstream text(ReadText(memory_dir + "/memory.oom_control"));
  std::string key;
  int64_t value = 0;
  while (text >> key >> value) {
    if (key == "oom_kill") return value;
  }
  return 0;
}

// The slots' kept groups (SlotCgroup), removed at exit by the process that made them.
struct SlotGroups {
  std::mutex mutex;
  std::map<int, std::unique_ptr<BoxCgroup>> by_slot;
  pid_t maker = getpid();
};

void RemoveSlotGroups();

SlotGroups& Slots() {
  // Never destroyed: a Run() on another thread may still use it while the process exits.
  static SlotGroups* const slots = [] {
    auto* made = new SlotGroups;
    std::atexit(RemoveSlotGroups);
    return made;
  }();
  return *slots;
}

void RemoveSlotGroups() {
  SlotGroups& slots = Slots();
  if (getpid() != slots.maker) return;  // a forked child that called exit(): not its groups
  std::lock_guard<std::mutex> lock(slots.mutex);
  for (auto& [slot, group] : slots.by_slot) group->Remove();
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
    if (!SetMemoryLimit(group.memory_dir_, limits.memory_bytes, kUnlimited)) {
      why = "cannot set the memory cgroup limit: " + ErrnoText(errno);
      RemoveGroup(group.memory_dir_);
      group.memory_dir_.clear();
    } else {
      group.memory_limit_bytes_ = limits.memory_bytes;
      group.memory_tasks_ = OpenTasks(group.memory_dir_);
    }
  }
  if (group.memory_dir_.empty()) group.note_ = "memory: " + why + "; using RLIMIT_AS";

  why.clear();
  group.pids_dir_ = MakeGroup("pids", name, &why);
  if (!group.pids_dir_.empty()) {
    const int64_t pids_limit = limits.processes + extra_processes;
    if (!WriteText(group.pids_dir_ + "/pids.max", std::to_string(pids_limit))) {
      why = "cannot set pids.max: " + ErrnoText(errno);
      RemoveGroup(group.pids_dir_);
      group.pids_dir_.clear();
    } else {
      group.pids_limit_ = pids_limit;
      group.pids_tasks_ = OpenTasks(group.pids_dir_);
    }
  }
  if (group.pids_dir_.empty()) {
    if (!group.note_.empty()) group.note_ += "; ";
    group.note_ += "pids: " + why + "; using RLIMIT_NPROC";
  }
  return group;
}

base::Status BoxCgroup::Reuse(const Limits& limits, int64_t extra_processes) {
  if (!memory_dir_.empty()) {
    if (limits.memory_bytes != memory_limit_bytes_) {
      if (!SetMemoryLimit(memory_dir_, limits.memory_bytes, memory_limit_bytes_)) {
        return base::Status::Internal("cannot set the memory cgroup limit of " + memory_dir_ +
                                      ": " + ErrnoText(errno));
      }
      memory_limit_bytes_ = limits.memory_bytes;
    }
    // "0" resets the peak to the current usage: what the previous box left charged, ~0.
    if (!WriteText(memory_dir_ + "/memory.max_usage_in_bytes", "0")) {
      return base::Status::Internal("cannot reset the peak of " + memory_dir_ + ": " +
                                    ErrnoText(errno));
    }
    oom_kills_before_ = OomKillCount(memory_dir_);
  }
  const int64_t pids_limit = limits.processes + extra_processes;
  if (!pids_dir_.empty() && pids_limit != pids_limit_) {
    if (!WriteText(pids_dir_ + "/pids.max", std::to_string(pids_limit))) {
      return base::Status::Internal("cannot set pids.max of " + pids_dir_ + ": " +
                                    ErrnoText(errno));
    }
    pids_limit_ = pids_limit;
  }
  return base::Status::Ok();
}

BoxCgroup::BoxCgroup(BoxCgroup&& other) noexcept
    : memory_dir_(std::exchange(other.memory_dir_, {})),
      pids_dir_(std::exchange(other.pids_dir_, {})),
      memory_tasks_(std::move(other.memory_tasks_)),
      pids_tasks_(std::move(other.pids_tasks_)),
      note_(std::move(other.note_)),
      memory_limit_bytes_(other.memory_limit_bytes_),
      pids_limit_(other.pids_limit_),
      oom_kills_before_(other.oom_kills_before_) {}

BoxCgroup::~BoxCgroup() { Remove(); }

std::vector<int> BoxCgroup::JoinFds() const {
  std::vector<int> fds;
  if (memory_tasks_.valid()) fds.push_back(memory_tasks_.get());
  if (pids_tasks_.valid()) fds.push_back(pids_tasks_.get());
  return fds;
}

int64_t BoxCgroup::PeakMemoryBytes() const {
  if (memory_dir_.empty()) return 0;
  const std::string text = ReadText(memory_dir_ + "/memory.max_usage_in_bytes");
  return text.empty() ? 0 : std::stoll(text);
}

bool BoxCgroup::OomKilled() const {
  if (memory_dir_.empty()) return false;
  return OomKillCount(memory_dir_) > oom_kills_before_;
}

void BoxCgroup::Remove() {
  memory_tasks_.Reset();
  pids_tasks_.Reset();
  if (!memory_dir_.empty()) RemoveGroup(memory_dir_);
  if (!pids_dir_.empty()) RemoveGroup(pids_dir_);
  memory_dir_.clear();
  pids_dir_.clear();
}

BoxCgroup* SlotCgroup(int slot, const Limits& limits, int64_t extra_processes) {
  SlotGroups& slots = Slots();
  BoxCgroup* group = nullptr;
  {
    std::lock_guard<std::mutex> lock(slots.mutex);
    std::unique_ptr<BoxCgroup>& kept = slots.by_slot[slot];
    if (kept == nullptr) {
      kept = std::make_unique<BoxCgroup>(BoxCgroup::Create(limits, extra_processes));
      return kept.get();  // fresh: limits set, peak and OOM count zero
    }
    group = kept.get();
  }
  if (group->Reuse(limits, extra_processes).ok()) return group;
  // Unusable (a limit the kernel refused): drop it; the next run of the slot makes a new one.
  std::lock_guard<std::mutex> lock(slots.mutex);
  slots.by_slot.erase(slot);
  return nullptr;
}

}  // namespace sandbox
