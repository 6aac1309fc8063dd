// A private temporary directory (mode 0700) that is removed with everything in it when the
// owner goes out of scope. Removal works through fds opened with O_NOFOLLOW: it never follows a
// symbolic link, never opens a FIFO or device, whatever the sandbox left in the directory.
//
// It is named dlgrader-<owner tag>-XXXXXX (sandbox/owner.h) and holds an flock on itself while
// it lives, so that a grader that was killed can be told from a live one (grader/orphans.h):
// the first Create in a process removes the parent's directories whose owner is gone.
#pragma once

#include <filesystem>

#include "base/status.h"

namespace grader {

class WorkDir {
 public:
  static base::StatusOr<WorkDir> Create(const std::filesystem::path& parent);
  WorkDir(WorkDir&& other) noexcept;
  WorkDir& operator=(WorkDir&&) = delete;
  WorkDir(const WorkDir&) = delete;
  ~WorkDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  WorkDir(std::filesystem::path path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}
  std::filesystem::path path_;
  int lock_fd_ = -1;  // the directory, open and flock'ed: "a live grader uses it"
};

// Removes `dir` and everything in it, the way ~WorkDir does (never following a link).
void RemoveTree(const std::filesystem::path& dir);

}  // namespace grader
