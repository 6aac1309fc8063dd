#include "sandbox/procfs.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "sandbox/pipes.h"

namespace sandbox {
namespace {

// Reads up to size-1 bytes of a small /proc file and NUL-terminates them. Returns false if the
// file could not be read (the process is gone).
bool ReadSmallFile(const char* path, char* buffer, size_t size) {
  UniqueFd fd(open(path, O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return false;
  const ssize_t got = read(fd.get(), buffer, size - 1);
  if (got <= 0) return false;
  buffer[got] = '\0';
  return true;
}

struct StatSample {
  pid_t pgrp = 0;
  unsigned long long cpu_ticks = 0;  // utime + stime + cutime + cstime
};

// Parses /proc/<pid>/stat. The command name (field 2) may contain spaces and parentheses, so the
// fields are read after the *last* ')'.
bool ReadStat(const char* pid_text, StatSample* sample) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%s/stat", pid_text);
  char buffer[1024];
  if (!ReadSmallFile(path, buffer, sizeof buffer)) return false;
  const char* after_name = std::strrchr(buffer, ')');
  if (after_name == nullptr) return false;
  int pgrp = 0;
  unsigned long long utime = 0, stime = 0;
  long long cutime = 0, cstime = 0;
  // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime
  // cstime
  const int matched =
      std::sscanf(after_name + 1, " %*c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld",
                  &pgrp, &utime, &stime, &cutime, &cstime);
  if (matched != 5) return false;
  sample->pgrp = pgrp;
  sample->cpu_ticks = utime + stime + static_cast<unsigned long long>(cutime + cstime);
  return true;
}

struct DirCloser {
  void operator()(DIR* dir) const { closedir(dir); }
};

}  // namespace

std::chrono::milliseconds ProcessGroupCpuTime(pid_t pgid) {
  std::unique_ptr<DIR, DirCloser> proc(opendir("/proc"));
  if (!proc) return std::chrono::milliseconds(0);
  unsigned long long ticks = 0;
  while (const dirent* entry = readdir(proc.get())) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') continue;
    StatSample sample;
    if (ReadStat(entry->d_name, &sample) && sample.pgrp == pgid) ticks += sample.cpu_ticks;
  }
  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  if (ticks_per_second <= 0) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(
      static_cast<int64_t>(ticks * 1000ULL / static_cast<unsigned long long>(ticks_per_second)));
}

int64_t PeakResidentBytes(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/status", static_cast<int>(pid));
  char buffer[4096];
  if (!ReadSmallFile(path, buffer, sizeof buffer)) return 0;
  const char* line = std::strstr(buffer, "\nVmHWM:");
  if (line == nullptr) return 0;  // a zombie has no memory left to report
  const long long kibibytes = std::strtoll(line + std::strlen("\nVmHWM:"), nullptr, 10);
  return static_cast<int64_t>(kibibytes) * 1024;
}

int64_t OwnResidentBytes() {
  char buffer[256];
  if (!ReadSmallFile("/proc/self/statm", buffer, sizeof buffer)) return 0;
  long long size_pages = 0, resident_pages = 0;
  if (std::sscanf(buffer, "%lld %lld", &size_pages, &resident_pages) != 2) return 0;
  const long page_bytes = sysconf(_SC_PAGESIZE);
  return page_bytes > 0 ? static_cast<int64_t>(resident_pages) * page_bytes : 0;
}

}  // namespace sandbox
