// `grader batch`: grade a class's submissions in parallel, resumably (docs/batch.md). A thin
// front end over Engine::GradeBatch (grader/engine.h: the worker pool, signals, child clean-up
// and the per-batch lock live there): it discovers the submissions, shows progress, and writes
// the outputs from the database at the end, atomically.
#pragma once

#include <string>

#include "grader/batch/outputs.h"
#include "grader/cli/commands.h"

namespace grader::cli {

struct BatchOptions {
  std::string problem;
  std::string source;  // folder or .zip
  int jobs = 0;        // 0: the number of cores
  std::string csv, json, junit, gradescope_dir;
  std::string csv_format = "grader";  // grader | canvas | moodle (docs/batch.md)
  bool no_cache = false;
  bool regrade = false;  // grade everything again (a new run, no cached results)
};

int Batch(const GlobalOptions& global, const BatchOptions& options);

// `grade --format`: "text" and "json" are commands.cc's; these are the others.
bool IsKnownFormat(const std::string& format);
std::string FormatOne(const ProblemSpec& problem, const std::string& format,
                      const batch::GradedEntry& entry);

}  // namespace grader::cli
