// Converting between a grading result and the rows the store keeps, so that a result read back
// from the database (a cache hit, a batch's outputs) is presented like a fresh one.
#pragma once

#include <string>

#include "db/store.h"
#include "grader/grade.h"
#include "grader/problem_spec.h"

namespace grader {

db::SubmissionRecord ToRecord(const ProblemSpec& problem, const std::string& learner,
                              const std::string& source, const GradeResult& result);

// The inverse of ToRecord for what GradeResult holds (timings and messages included). Unknown
// verdict or status names (a newer grader's rows) read as internal_error.
GradeResult FromRecord(const db::SubmissionRecord& record);

}  // namespace grader
