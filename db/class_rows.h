// db: read-only queries over a whole class, for instructor reports (reports/report.h). They
// read the tables of migrations 1-3 and write nothing; every SQL statement stays in db/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/store.h"

namespace db {

// Which submissions to read. Empty fields select everything.
struct ClassFilter {
  std::vector<std::string> problems;  // problem ids
  std::optional<int64_t> batch_run;   // only submissions linked to this batch run's items
  std::string since;                  // created_at >= since (ISO 8601 prefix, "2026-11-01")
  std::vector<std::string> learners;  // only these learners
};

// The submissions the filter selects, oldest first (by id), WITH their tests and diagnoses
// (tests in position order). `with_source`: also read the source text (for similarity).
base::StatusOr<std::vector<SubmissionRecord>> ReadClassSubmissions(Store& store,
                                                                   const ClassFilter& filter,
                                                                   bool with_source);

// Every learner's mastery rows; `learners` non-empty restricts to them. Sorted by learner, skill.
struct LearnerMastery {
  std::string learner;
  MasteryRecord mastery;
};
base::StatusOr<std::vector<LearnerMastery>> ReadClassMastery(
    Store& store, const std::vector<std::string>& learners);

}  // namespace db
