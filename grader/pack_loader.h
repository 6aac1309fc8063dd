// Loads a problem pack's trusted code (docs/problem-packs.md).
//
// A problem folder with a reference.cc is a pack. The engine compiles reference.cc (which
// includes the folder's adapter.h and api.h) into a shared library with the compiler and flags
// the grader itself was built with, caches the library under a hash of every input (the pack's
// code, the support headers, the compiler and flags), loads it with dlopen, and registers its
// reference and mutants (reference/registry.h) under the problem's id, with the mutants'
// metadata from problem.toml.
//
// Trust model: a pack is the course team's code, like the grader itself: it is compiled and run
// outside the learner sandbox, in the grader's process. Only submissions are untrusted.
//
// Caches, looked up in order: the read-only directory of packs built with the grader
// (grader/resources.h), then the writable pack cache (SetPackCache), where a miss is compiled.
// Safe to call from several threads and processes: a library is built privately and renamed
// into place.
#pragma once

#include <filesystem>

#include "base/status.h"
#include "grader/problem_spec.h"

namespace grader {

// True when `dir` holds a pack's trusted code (reference.cc).
bool IsPack(const std::filesystem::path& dir);

// The process's writable pack cache. Default: $GRADER_CACHE/packs, else
// $XDG_CACHE_HOME/dlgrader/packs, else ~/.cache/dlgrader/packs. The CLI sets it to the data
// directory's cache.
void SetPackCache(const std::filesystem::path& dir);

// Compiles (on a cache miss), loads and registers the trusted code of `problem`, whose folder
// must be a pack. An error names the problem and what failed (a compile error with the
// compiler's first lines, a mutant without code or code without metadata, ...).
base::Status LoadPack(const ProblemSpec& problem);

// Compiles the packs of `problems` into the writable cache, `jobs` at a time (the build runs
// this once so that graders find every shipped pack prebuilt).
base::Status PrebuildPacks(const std::vector<ProblemSpec>& problems, int jobs);

}  // namespace grader
