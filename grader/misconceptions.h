// The misconception catalogue: every known mistake the engine can name, read from the problems'
// metadata (each problem's mutants in reference/*_registry.cc: id, entry, skills, explanation).
// docs/misconceptions.md is this catalogue rendered as Markdown; a test keeps it current.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "grader/problem_spec.h"

namespace grader {

struct Misconception {
  std::string id;     // the mutant id, unique within its problem
  std::string entry;  // the entry point the mistake is made in
  std::vector<std::string> skills;
  std::string explanation;  // learner-facing; its first sentence says what the learner did
};

struct ProblemMisconceptions {
  std::string problem_id;
  std::string title;
  std::vector<Misconception> misconceptions;
};

// One row per problem, in `problems`' order; fails if a problem has no registered code.
base::StatusOr<std::vector<ProblemMisconceptions>> BuildCatalogue(
    const std::vector<ProblemSpec>& problems);

// Plain text for a terminal: a block per problem, a line per misconception.
std::string RenderCatalogueText(const std::vector<ProblemMisconceptions>& catalogue);

// docs/misconceptions.md: a table per problem with a stable anchor per misconception
// ("#<problem>-<id>", e.g. docs/misconceptions.md#relu-forward_abs) for code comments to cite.
std::string RenderCatalogueMarkdown(const std::vector<ProblemMisconceptions>& catalogue);

}  // namespace grader
