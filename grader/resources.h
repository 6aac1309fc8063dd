// Where the grader finds, at run time, the files it compiles into learners' programs (harness/
// and base/status.h) and the problems it ships with.
//
// An installed grader (`cmake --install`, docs/install.md) finds them next to itself:
// <prefix>/bin/grader reads <prefix>/share/dlgrader/{harness,base,reference,problems} and the
// prebuilt packs in <prefix>/lib/dlgrader/packs. A grader run from
// its build tree falls back to the source tree it was built from, so `build/grader` works
// without installing. Nothing else is read from the source tree.
#pragma once

#include <filesystem>
#include <string>

namespace grader {

struct Resources {
  std::filesystem::path root;      // holds harness/ and base/: ProgramBuilder's source root
  std::filesystem::path problems;  // the shipped problems (default of --problems)
  // The shipped problems' packs, compiled with the grader (grader/pack_loader.h); read-only.
  std::filesystem::path prebuilt_packs;
  // The compile server program (compiler/servers.h): build/grader-compiler, or
  // <prefix>/lib/dlgrader/grader-compiler when installed.
  std::filesystem::path compile_server;
};

// The compile server to use: Resources::compile_server, unless the environment says
// GRADER_COMPILE_SERVER=off (then every compile execs clang++: a baseline, or a way around a
// broken server). Empty, with `warning` saying so, when the program is missing.
std::filesystem::path CompileServerToUse(std::string* warning);

// Resolved once per process from the executable's location (/proc/self/exe).
const Resources& InstalledResources();

}  // namespace grader
