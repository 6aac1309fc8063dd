// An exclusive, advisory lock on a named run within the data directory, so that two processes
// do not grade the same batch at once (each would grade everything, and the loser of every
// race would fail). The lock is an flock on DATA/locks/<name>.lock: the kernel releases it when
// the holder exits, however it exits (kill -9 included), so a stale file never blocks a resume.
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"

namespace grader {

class RunLock {
 public:
  // Takes the lock without waiting. kUnavailable when another process holds it (the message
  // names `what` and the holder's pid); kInternal when the lock file cannot be created.
  static base::StatusOr<RunLock> TryAcquire(const std::filesystem::path& locks_dir,
                                            const std::string& name, const std::string& what);
  RunLock(RunLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  RunLock& operator=(RunLock&& other) noexcept;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;
  ~RunLock();

 private:
  explicit RunLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace grader
