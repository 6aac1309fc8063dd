// The database side of a resumable batch (docs/batch.md, "Resuming"). A run is identified by a
// key hashed from the problem and every discovered submission (learner, file, late, source
// hash), so the same command on the same inputs finds its run again. Each item is linked to
// its submission in the transaction that records the submission: an item is either graded
// and recorded exactly once, or still pending.
//
// Threading: functions take the caller's own db::Store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/store.h"
#include "grader/batch/sources.h"
#include "grader/problem_spec.h"

namespace grader::batch {

struct RunItem {
  int64_t position = 0;
  std::string learner;
  std::string file;
  bool late = false;
  std::optional<int64_t> submission_id;  // set once graded
  bool cache_hit = false;
  int64_t elapsed_ms = 0;
};

std::string RunKey(const ProblemSpec& problem, const std::vector<Submission>& submissions);

// Finds the run with `key`, or creates it with one pending item per submission (position =
// index). Returns the run id.
base::StatusOr<int64_t> OpenRun(db::Store& store, const std::string& key,
                                const ProblemSpec& problem, const std::string& source,
                                const std::vector<Submission>& submissions);

base::StatusOr<std::vector<RunItem>> LoadItems(db::Store& store, int64_t run_id);

// For Store::RecordSubmission's in-transaction hook: links the item, throwing if it was already
// linked (then the whole recording rolls back).
void LinkItemOrThrow(SQLite::Database& database, int64_t run_id, int64_t position,
                     int64_t submission_id, bool cache_hit, int64_t elapsed_ms);

base::Status MarkFinished(db::Store& store, int64_t run_id);

}  // namespace grader::batch
