// Builds .zip archives for tests with libzip, including hostile ones (symlinks, `..` paths).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace testing_util {

struct ZipEntry {
  std::string name;
  std::string data;
  bool symlink = false;  // stored with Unix mode S_IFLNK; data is the target
};

// Returns false when libzip fails.
bool WriteZip(const std::filesystem::path& path, const std::vector<ZipEntry>& entries);

}  // namespace testing_util
