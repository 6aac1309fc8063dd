// Builds a learner's program: the learner's source and the problem's harness, linked static.
//
// Fast path (docs/compile-pipeline.md has the measurements): per problem and toolchain, a
// clang precompiled header of prelude.h + api.h + <Eigen/Dense> + harness/pch_warmup.h, built
// with -fpch-instantiate-templates -fpch-codegen (its headers embedded, so it is relocatable),
// and a runtime object = the harness (main, protocol codec, the problem's adapter, compiled with
// the same PCH and flags) + the PCH's generated code. Both are cached under the data directory,
// keyed by a hash of every input and the toolchain. The learner's source is compiled and linked
// (lld, static) in one compiler run in a private work directory; the sandboxed compiler sees
// that directory (submission.cpp, a stub api.h), the problem's prebuilt directory read-only
// (pch.pch, runtime.o: used in place, never copied) and system directories (/usr), never the
// rest of the cache or the data directory.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/problem_spec.h"
#include "grader/runner.h"

namespace grader {

struct Toolchain {
  std::filesystem::path cxx = "/usr/bin/clang++";
  std::filesystem::path linker = "/usr/bin/ld.lld";  // for `-r`; the driver links with -fuse-ld
  std::filesystem::path eigen_include = "/usr/include/eigen3";
  // Flags shared by the PCH, the harness and the learner's code: the same Eigen configuration
  // on every side (assertions on, uninitialised matrices filled with NaN). -O0: with the PCH's
  // pre-generated code, -O1 triples the learner's compile time and tests are small.
  // -static is here, not in link_flags, because it predefines __STATIC__, which a PCH must
  // agree on with its users.
  std::vector<std::string> flags = {"-std=c++20", "-O0", "-static", "-fdiagnostics-color=never",
                                    "-DEIGEN_INITIALIZE_MATRICES_BY_NAN"};
  // lld links a static program about 2x faster than GNU ld; one thread keeps the compile
  // sandbox's process limit meaningful.
  std::vector<std::string> link_flags = {"-fuse-ld=lld", "-Wl,--threads=1"};
  // Changes when the compiler or linker binary, or any flag, changes.
  std::string Fingerprint() const;
};

// What is built once per problem and toolchain (see the file comment).
struct Prebuilt {
  std::filesystem::path pch;      // pch.pch
  std::filesystem::path runtime;  // runtime.o
  std::string key;                // hex hash of every input: identifies this build
};

struct BuiltProgram {
  bool compiled = false;
  std::string compiler_output;   // diagnostics, truncated
  std::filesystem::path binary;  // when compiled
};

class ProgramBuilder {
 public:
  // `source_root` holds harness/ and base/ (grader/resources.h); `cache_dir` is writable.
  ProgramBuilder(ProcessRunner& runner, std::filesystem::path source_root,
                 std::filesystem::path cache_dir, Toolchain toolchain = Toolchain());

  // The problem's PCH and runtime object, built on first use (safe to call from several
  // processes and threads: each builds privately and renames into place).
  base::StatusOr<Prebuilt> Prepare(const ProblemSpec& problem);

  // Compiles `source` for `problem` inside `work_dir` (which must exist and be private). A
  // compile error is a successful build with compiled == false; an error Status means our own
  // machinery failed.
  base::StatusOr<BuiltProgram> Build(const ProblemSpec& problem, const std::string& source,
                                     const std::filesystem::path& work_dir);

  const Toolchain& toolchain() const { return toolchain_; }

  // Called with the problem id before a prebuilt is built (not when it is found in the cache):
  // the slow first preparation, which a front end announces. Set before any Prepare().
  void OnPreparing(std::function<void(const std::string& problem_id)> notice) {
    on_preparing_ = std::move(notice);
  }

 private:
  std::function<void(const std::string&)> on_preparing_;
  ProcessRunner& runner_;
  std::filesystem::path source_root_;
  std::filesystem::path cache_dir_;
  Toolchain toolchain_;

  base::Status BuildPrebuilt(const ProblemSpec& problem, const std::filesystem::path& dir);
};

}  // namespace grader
