// A resumable batch's run (docs/batch.md, "Resuming"). A run is identified by a key hashed
// from the problem, what grading depends on (`grading_identity`: the problem's content, its
// reference code, the toolchain, the grader, the secret's version) and every discovered
// submission (learner, file, late, source hash), so the same command on the same inputs finds
// its run again, and a changed problem.toml starts a new run that grades everything again.
// `regrade` non-empty (a nonce) always starts a new run. Each item is linked to its submission
// in the transaction that records the submission (db::RecordLinks): an item is either graded
// and recorded exactly once, or still pending. The SQL is db/'s (db::Store).
//
// Threading: functions take the caller's own db::Store.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "db/store.h"
#include "grader/batch/sources.h"
#include "grader/problem_spec.h"

namespace grader::batch {

using RunItem = db::BatchItemRecord;

std::string RunKey(const ProblemSpec& problem, const std::string& grading_identity,
                   const std::vector<Submission>& submissions, const std::string& regrade = "");

// Finds the run with `key`, or creates it with one pending item per submission (position =
// index). Returns the run id.
base::StatusOr<int64_t> OpenRun(db::Store& store, const std::string& key,
                                const ProblemSpec& problem, const std::string& source,
                                const std::vector<Submission>& submissions);

}  // namespace grader::batch
