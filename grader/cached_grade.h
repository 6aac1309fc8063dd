// Grading through the result cache, and recording (docs/result-cache.md).
//
// The cache key is SHA-256 over, each length-prefixed: the source's exact bytes, the problem's id,
// version and problem.toml text, the prebuilt key (toolchain fingerprint, harness, api.h,
// adapter.h: program_builder.h), the grader program's identity, and a hash of the deployment
// secret (its "version": rotating the secret changes hidden data, hence results). A hit copies
// the cached submission's result into a new submission row for this learner, without
// compiling. Results whose verdicts depend on the machine's load (time or memory limits) and
// internal errors are never cached.
//
// Threading: a CachedGrader is immutable after Create() and may be shared by threads; each
// thread passes its own db::Store.
#pragma once

#include <functional>
#include <string>

#include "base/status.h"
#include "db/store.h"
#include "grader/grade.h"
#include "grader/problem_spec.h"
#include "grader/skills.h"

namespace grader {

struct GradeOutcome {
  int64_t submission_id = 0;
  GradeResult result;
  bool cache_hit = false;
};

class CachedGrader {
 public:
  // Prepares the problem's prebuilt files (compiling them on first use) and the key's fixed
  // part. REQUIRES: `problem` and everything in `context` outlive the grader.
  // `skills` gives each recorded submission its skill evidence (BKT parameters per skill).
  static base::StatusOr<CachedGrader> Create(const ProblemSpec& problem, GradeContext context,
                                             bool use_cache, SkillCatalog skills = {});

  std::string CacheKey(const std::string& source) const;
  // What a result depends on besides the source (hex SHA-256 of the key's fixed part: problem.toml
  // text, prebuilt code, toolchain, grader, secret version): a change means results may differ.
  std::string GradingIdentity() const;

  // Grades `source` (or reuses a cached result) and records it for `learner` in one
  // transaction. `add_links`, when given, is called just before recording, to add rows to that
  // transaction (e.g. to link a batch item) or a stop check (db::RecordLinks).
  using AddLinks = std::function<void(bool cache_hit, db::RecordLinks* links)>;
  base::StatusOr<GradeOutcome> GradeAndRecord(db::Store& store, const std::string& learner,
                                              const std::string& source,
                                              const AddLinks& add_links = nullptr) const;

 private:
  CachedGrader(const ProblemSpec& problem, GradeContext context, bool use_cache,
               std::string fixed_key, SkillCatalog skills)
      : problem_(&problem),
        context_(std::move(context)),
        use_cache_(use_cache),
        fixed_key_(std::move(fixed_key)),
        skills_(std::move(skills)) {}
  const ProblemSpec* problem_;
  GradeContext context_;
  bool use_cache_;
  std::string fixed_key_;
  SkillCatalog skills_;
};

}  // namespace grader
