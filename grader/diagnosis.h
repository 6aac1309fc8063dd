// What the grader could say about why a test failed: a known misconception (a mutant of the
// reference reproduced the learner's outcome) or a generic pattern (scaled, transposed, wrong
// axis, ...). Shown for hidden tests too, so it never carries hidden inputs or expected values.
#pragma once

#include <string>
#include <vector>

namespace grader {

struct Diagnosis {
  enum class Kind { kMisconception, kPattern };
  Kind kind = Kind::kPattern;
  // kMisconception: the mutant's id, skills and learner-facing explanation.
  std::string misconception;
  std::vector<std::string> skills;
  std::string explanation;
  // kPattern: one of the pattern names of docs/result-json.md, and a sentence for the learner.
  std::string pattern;
  std::string detail;
};

}  // namespace grader
