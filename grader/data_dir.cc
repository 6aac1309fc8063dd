#include "grader/data_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace grader {

std::filesystem::path ResolveDataDir(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("GRADER_DATA"); env != nullptr && *env != '\0') return env;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "dlgrader";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".local" / "share" / "dlgrader";
  }
  return std::filesystem::path("/tmp") / ("dlgrader-" + std::to_string(::getuid()));
}

static base::Status MakeDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return base::Status::InvalidArgument("data directory " + dir.string() +
                                         " cannot be created: " + ec.message());
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return base::Status::InvalidArgument("data directory " + dir.string() + " is not a directory");
  }
  return base::Status::Ok();
}

std::filesystem::path ResolveCacheDir(const std::filesystem::path& root) {
  const char* cache_env = std::getenv("GRADER_CACHE");
  return (cache_env != nullptr && *cache_env != '\0') ? std::filesystem::absolute(cache_env)
                                                      : std::filesystem::absolute(root) / "cache";
}

base::StatusOr<DataDir> OpenDataDir(const std::filesystem::path& root) {
  DataDir dir{std::filesystem::absolute(root), ResolveCacheDir(root)};
  bool existed = std::filesystem::exists(dir.root);
  RETURN_IF_ERROR(MakeDirectory(dir.root));
  if (!existed) ::chmod(dir.root.c_str(), 0700);
  if (::access(dir.root.c_str(), W_OK | X_OK) != 0) {
    return base::Status::InvalidArgument("data directory " + dir.root.string() +
                                         " is not writable: " + std::strerror(errno));
  }
  RETURN_IF_ERROR(MakeDirectory(dir.cache()));
  return dir;
}

}  // namespace grader
