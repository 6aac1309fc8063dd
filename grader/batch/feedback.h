// The feedback of one graded submission for the class-scale outputs (docs/batch.md): its
// diagnoses grouped so that an explanation shared by several failing tests is given once, and
// a plain-text form of them with the compiler's output, for CSV cells and summaries.
#pragma once

#include <string>
#include <vector>

#include "grader/grade.h"

namespace grader::batch {

struct DiagnosisGroup {
  std::string kind;  // "misconception" | "pattern"
  std::string id;    // the mutant id or the pattern name
  std::string text;  // the explanation, or the pattern's detail
  std::vector<std::string> skills;
  std::vector<std::string> tests;  // the failing tests it explains, in test order
};

// The result's diagnoses, one group per (kind, id) in the order of their first test.
std::vector<DiagnosisGroup> GroupDiagnoses(const GradeResult& result);

// "Why tests failed:" lines, one per group ("<text> (tests: a, b)"), then the compiler's output
// for a compile error, cut after `max_compile_chars` characters. Empty when there is nothing.
std::string FeedbackText(const GradeResult& result, size_t max_compile_chars = 4000);

// A score rounded to 6 decimals, so that 0.1 + 0.2 reads 0.3 in every format.
double RoundedScore(double score);

}  // namespace grader::batch
