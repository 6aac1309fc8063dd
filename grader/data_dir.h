// The data directory: everything the grader keeps between runs (docs/data-directory.md).
//   grader.db     the SQLite database
//   secret.key    32 random bytes, mode 0600, created on first use; seeds of hidden tests
//   cache/        compiled harness objects, keyed by a hash of their sources and toolchain
//                 ($GRADER_CACHE moves it elsewhere, e.g. to share it between test runs)
// Chosen by --data-dir, else $GRADER_DATA, else $XDG_DATA_HOME/dlgrader, else
// ~/.local/share/dlgrader.
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"

namespace grader {

struct DataDir {
  std::filesystem::path root;
  std::filesystem::path database() const { return root / "grader.db"; }
  std::filesystem::path secret_key() const { return root / "secret.key"; }
  std::filesystem::path cache_dir;  // root / "cache" unless $GRADER_CACHE says otherwise
  const std::filesystem::path& cache() const { return cache_dir; }
};

// The cache folder of the data directory at `root`: root/cache, or $GRADER_CACHE.
std::filesystem::path ResolveCacheDir(const std::filesystem::path& root);

// Resolves the location (flag, environment, default) without touching the disk.
std::filesystem::path ResolveDataDir(const std::string& flag_value);

// Creates the directory (mode 0700) and its cache folder if needed, and checks it is writable.
base::StatusOr<DataDir> OpenDataDir(const std::filesystem::path& root);

}  // namespace grader
