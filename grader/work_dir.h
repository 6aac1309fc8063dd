// A private temporary directory (mode 0700) that is removed with everything in it when the
// owner goes out of scope. Removal works through fds opened with O_NOFOLLOW: it never follows a
// symbolic link, never opens a FIFO or device, whatever the sandbox left in the directory.
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
  explicit WorkDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

}  // namespace grader
