#include "grader/resources.h"

#include <system_error>

namespace grader {
namespace {

namespace fs = std::filesystem;

// <prefix>/share/dlgrader for <prefix>/bin/grader, when it holds the harness.
fs::path InstalledRoot() {
  std::error_code error;
  const fs::path exe = fs::read_symlink("/proc/self/exe", error);
  if (error) return {};
  const fs::path root = exe.parent_path().parent_path() / "share" / "dlgrader";
  return fs::exists(root / "harness" / "harness_main.cc", error) ? root : fs::path();
}

Resources Resolve() {
  const fs::path root = InstalledRoot();
  if (root.empty()) {  // the build tree's grader
    return {GRADER_SOURCE_DIR, fs::path(GRADER_SOURCE_DIR) / "problems", GRADER_PREBUILT_PACKS};
  }
  // <prefix>/share/dlgrader -> <prefix>/lib/dlgrader/packs
  return {root, root / "problems", root.parent_path().parent_path() / "lib" / "dlgrader" / "packs"};
}

}  // namespace

const Resources& InstalledResources() {
  static const Resources resources = Resolve();
  return resources;
}

}  // namespace grader
