// Result files for LMSs, CI systems and spreadsheets (docs/batch.md has every format):
// a CSV gradebook, a JSON document, JUnit XML (one testsuite per learner) and Gradescope's
// results.json (one per learner). All are pure functions of the graded entries.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/grade.h"
#include "grader/problem_spec.h"

namespace grader::batch {

struct GradedEntry {
  std::string learner;
  std::string file;  // where the submission came from ("" for `grade`)
  bool late = false;
  int64_t submission_id = 0;
  bool cache_hit = false;
  int64_t elapsed_ms = 0;  // grading time (0 for a cache hit)
  GradeResult result;
};

// RFC 4180: header `learner,score,max_score,status,late,<test names>`, CRLF line ends. A cell
// that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with '.
std::string CsvGradebook(const ProblemSpec& problem, const std::vector<GradedEntry>& entries);

nlohmann::json BatchJson(const ProblemSpec& problem, const std::vector<GradedEntry>& entries,
                         const std::vector<std::string>& skipped);

std::string JUnitXml(const ProblemSpec& problem, const std::vector<GradedEntry>& entries);

// Gradescope's results.json for one submission. Hidden tests are "after_published" (their
// verdicts carry no data; "hidden" would also hide the learner's total score).
nlohmann::json GradescopeResults(const ProblemSpec& problem, const GradedEntry& entry);

// Writes `text` to `path` atomically (a temporary file beside it, then rename).
base::Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text);

// A file-system-safe folder name for a learner (letters, digits, '.', '-', '_').
std::string SafeName(const std::string& learner);

}  // namespace grader::batch
