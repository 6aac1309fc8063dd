// Builds a learner's program: the learner's source and the problem's harness, linked static.
//
// The harness object (harness main, protocol codec, the problem's adapter) is our own code; it
// is compiled once per problem and toolchain and cached under the data directory. The learner's
// source is compiled and linked in a private work directory by the sandboxed compiler, which
// sees only that directory's copies: submission.cpp, the problem's api.h, prelude.h, harness.o.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/problem_spec.h"
#include "grader/runner.h"

namespace grader {

struct Toolchain {
  std::filesystem::path cxx = "/usr/bin/g++";
  std::filesystem::path linker = "/usr/bin/ld";
  std::filesystem::path eigen_include = "/usr/include/eigen3";
  // Flags shared by the harness and the learner's code: the same Eigen configuration on both
  // sides (assertions on, uninitialised matrices filled with NaN).
  std::vector<std::string> flags = {"-std=c++20", "-O1", "-pipe", "-fdiagnostics-color=never",
                                    "-DEIGEN_INITIALIZE_MATRICES_BY_NAN"};
  std::string Fingerprint() const;  // changes when the compiler binary or the flags change
};

struct BuiltProgram {
  bool compiled = false;
  std::string compiler_output;          // diagnostics, truncated
  std::filesystem::path binary;         // when compiled
};

class ProgramBuilder {
 public:
  // `source_root` holds grader/harness, reference/ and problems/; `cache_dir` is writable.
  ProgramBuilder(ProcessRunner& runner, std::filesystem::path source_root,
                 std::filesystem::path cache_dir, Toolchain toolchain = Toolchain());

  // The problem's harness object, built on first use (safe to call from several processes).
  base::StatusOr<std::filesystem::path> HarnessObject(const ProblemSpec& problem);

  // Compiles `source` for `problem` inside `work_dir` (which must exist and be private). A
  // compile error is a successful build with compiled == false; an error Status means our own
  // machinery failed.
  base::StatusOr<BuiltProgram> Build(const ProblemSpec& problem, const std::string& source,
                                     const std::filesystem::path& work_dir);

 private:
  ProcessRunner& runner_;
  std::filesystem::path source_root_;
  std::filesystem::path cache_dir_;
  Toolchain toolchain_;
};

}  // namespace grader
