// `grader batch`: grade a class's submissions in parallel, resumably (docs/batch.md).
//
// Theory of operation: the main thread discovers the submissions, opens (or resumes) the run
// in the database, then starts N worker threads and becomes the supervisor: it prints
// progress and waits for SIGINT/SIGTERM (blocked in every thread, taken with sigtimedwait).
// Each worker owns a db::Store and grades pending items one at a time; an item's submission
// row and its link to the run are written in one transaction. On a signal the supervisor sets
// the stop flag and SIGKILLs the process group of every child of this process (the sandboxed
// compilers and programs) until the workers have returned; a worker that sees the flag
// discards what it was grading (its transaction refuses to commit), so the item stays pending
// for the next run. Outputs are written from the database at the end, atomically.
#pragma once

#include <string>

#include "grader/batch/outputs.h"
#include "grader/cli/commands.h"

namespace grader::cli {

inline constexpr int kExitInterrupted = 130;

struct BatchOptions {
  std::string problem;
  std::string source;  // folder or .zip
  int jobs = 0;        // 0: the number of cores
  std::string csv, json, junit, gradescope_dir;
  bool no_cache = false;
};

int Batch(const GlobalOptions& global, const BatchOptions& options);

// `grade --format`: "text" and "json" are commands.cc's; these are the others.
bool IsKnownFormat(const std::string& format);
std::string FormatOne(const ProblemSpec& problem, const std::string& format,
                      const batch::GradedEntry& entry);

}  // namespace grader::cli
