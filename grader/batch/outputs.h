// Result files for LMSs, CI systems and spreadsheets (docs/batch.md has every format):
// a CSV gradebook, a JSON document, JUnit XML (one testsuite per learner) and Gradescope's
// results.json (one per learner). All are pure functions of the graded entries.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/batch/sources.h"
#include "grader/grade.h"
#include "grader/problem_spec.h"

namespace grader::batch {

struct GradedEntry {
  std::string learner;  // the key it is recorded under
  std::string name;     // display name and LMS id (grader/batch/sources.h); "" for `grade`
  std::string lms_id;
  std::string file;  // where the submission came from ("" for `grade`)
  bool late = false;
  int64_t submission_id = 0;
  bool cache_hit = false;
  int64_t elapsed_ms = 0;  // grading time (0 for a cache hit)
  GradeResult result;
};

// RFC 4180: header `learner,score,max_score,status,late,<test names>,feedback,name,lms_id`, CRLF
// line ends; a skipped learner's row has status "skipped" and the reason as feedback. A cell
// that a spreadsheet would run as a formula (=, +, -, @ first) is prefixed with '.
std::string CsvGradebook(const ProblemSpec& problem, const std::vector<GradedEntry>& entries,
                         const std::vector<SkippedLearner>& skipped = {});

// The gradebook in a form an LMS imports (docs/batch.md, "LMS gradebooks"):
// Canvas: `Student,ID,SIS User ID,SIS Login ID,Section,<problem id>` with a Points Possible row,
// keyed by the Canvas user id; Moodle's grading worksheet: `Identifier,Full name,Grade,Maximum
// Grade,Feedback comments` with "Participant <id>". Learners without an LMS id are left out and
// named in `left_out`. (`batch --csv` writes every format after a UTF-8 byte order mark:
// spreadsheets and both LMSs read it, and without it Excel shows "JosÃ©".)
enum class LmsFormat { kCanvas, kMoodle };
std::string LmsGradebook(LmsFormat format, const ProblemSpec& problem,
                         const std::vector<GradedEntry>& entries,
                         const std::vector<SkippedLearner>& skipped,
                         std::vector<std::string>* left_out);

nlohmann::json BatchJson(const ProblemSpec& problem, const std::vector<GradedEntry>& entries,
                         const std::vector<std::string>& skipped,
                         const std::vector<SkippedLearner>& skipped_learners = {});

std::string JUnitXml(const ProblemSpec& problem, const std::vector<GradedEntry>& entries);

// Gradescope's results.json for one submission. Hidden tests are "after_published" (their
// verdicts carry no data; "hidden" would also hide the learner's total score).
nlohmann::json GradescopeResults(const ProblemSpec& problem, const GradedEntry& entry);

// Writes `text` to `path` atomically (a temporary file beside it, then rename).
base::Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text);

// A file-system-safe folder name for a learner: ASCII letters, digits, '.', '-', '_' and every
// non-ASCII character but controls and bidirectional overrides ("Zoë" stays "Zoë"); anything
// else, invalid UTF-8 included, becomes '_', and a leading '.' gets a '_' before it.
std::string SafeName(const std::string& learner);

// Gradescope's results.json for a submission that could not be graded (no file, refused by the
// source rules, not UTF-8): a 0 with the reason, so Gradescope shows the learner why instead of
// reporting a broken autograder.
nlohmann::json GradescopeRefusal(const ProblemSpec& problem, const std::string& learner,
                                 const std::string& reason);

}  // namespace grader::batch
