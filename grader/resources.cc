#include "grader/resources.h"

#include <cstdlib>
#include <string_view>
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
    return {GRADER_SOURCE_DIR, fs::path(GRADER_SOURCE_DIR) / "problems", GRADER_PREBUILT_PACKS,
            GRADER_COMPILE_SERVER};
  }
  // <prefix>/share/dlgrader -> <prefix>/lib/dlgrader/{packs,grader-compiler}
  const fs::path lib = root.parent_path().parent_path() / "lib" / "dlgrader";
  return {root, root / "problems", lib / "packs", lib / "grader-compiler"};
}

}  // namespace

const Resources& InstalledResources() {
  static const Resources resources = Resolve();
  return resources;
}

std::filesystem::path CompileServerToUse(std::string* warning) {
  const char* setting = std::getenv("GRADER_COMPILE_SERVER");
  if (setting != nullptr && std::string_view(setting) == "off") return {};
  const fs::path& server = InstalledResources().compile_server;
  std::error_code error;
  if (fs::is_regular_file(server, error)) return server;
  *warning = "the compile server " + server.string() +
             " is missing: every compile execs clang++ (slower; see docs/install.md)";
  return {};
}

}  // namespace grader
