// Writing .zip archives (libzip): the Gradescope autograder kit, and hostile archives in tests.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace grader {

struct ZipFile {
  std::string name;  // path inside the archive, '/'-separated, UTF-8
  std::string data;
  unsigned mode = 0644;  // Unix permission bits (0755 for a script)
  bool symlink = false;  // stored with S_IFLNK; data is the target (tests of hostile archives)
};

// Writes `files` to `path` (replacing it). kInvalidArgument naming the path or the entry.
base::Status WriteZip(const std::filesystem::path& path, const std::vector<ZipFile>& files);

}  // namespace grader
