// Skills: the catalogue in problems/skills.toml (docs/skills.md), and the evidence a graded
// submission gives about them (one BKT observation per skill, db/bkt.h).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"
#include "db/bkt.h"
#include "db/store.h"
#include "grader/grade.h"
#include "grader/problem_spec.h"

namespace grader {

struct SkillInfo {
  std::string id;
  std::string description;
  db::BktParams bkt;  // the catalogue's defaults with this skill's overrides
};

struct SkillCatalog {
  db::BktParams defaults;
  double mastery_threshold = 0.95;
  int64_t min_observations = 3;
  std::map<std::string, SkillInfo> skills;

  bool Known(const std::string& id) const { return skills.count(id) != 0; }
  const db::BktParams& Params(const std::string& id) const;  // defaults for an unknown id
  std::string Description(const std::string& id) const;      // "" for an unknown id
  // Mastered: P(L) >= mastery_threshold after at least min_observations observations.
  bool Mastered(double p_mastery, int64_t observations) const;
};

// Parses skills.toml text; errors name the file and the key ("skills.toml: skills.relu.slip
// must be in [0, 0.5)").
base::StatusOr<SkillCatalog> ParseSkills(const std::string& toml_text, const std::string& source);
// Loads <problems root>/skills.toml; kNotFound when it does not exist.
base::StatusOr<SkillCatalog> LoadSkills(const std::filesystem::path& problems_root);

// The BKT observations of a graded submission, one per skill, sorted by skill (docs/skills.md):
//   incorrect — a diagnosed misconception carries the skill, or a failed test tagged with it
//               has no misconception diagnosis (we cannot tell which of its skills failed);
//   correct   — otherwise, when a passed test is tagged with it.
// A submission that did not compile or hit an internal error gives no evidence.
std::vector<db::SkillObservation> SkillEvidence(const ProblemSpec& problem,
                                                const GradeResult& result,
                                                const SkillCatalog& catalog);

}  // namespace grader
