#include "grader/batch/feedback.h"

#include <cmath>

#include "base/utf8.h"

namespace grader::batch {

std::vector<DiagnosisGroup> GroupDiagnoses(const GradeResult& result) {
  std::vector<DiagnosisGroup> groups;
  for (const TestResult& test : result.tests) {
    if (!test.diagnosis) continue;
    const Diagnosis& d = *test.diagnosis;
    const bool misconception = d.kind == Diagnosis::Kind::kMisconception;
    const std::string kind = misconception ? "misconception" : "pattern";
    const std::string& id = misconception ? d.misconception : d.pattern;
    DiagnosisGroup* group = nullptr;
    for (DiagnosisGroup& g : groups) {
      if (g.kind == kind && g.id == id) group = &g;
    }
    if (group == nullptr) {
      groups.push_back({kind, id, misconception ? d.explanation : d.detail, d.skills, {}});
      group = &groups.back();
    }
    group->tests.push_back(test.name);
  }
  return groups;
}

std::string FeedbackText(const GradeResult& result, size_t max_compile_chars) {
  std::string text;
  const std::vector<DiagnosisGroup> groups = GroupDiagnoses(result);
  if (!groups.empty()) text = "Why tests failed:";
  for (const DiagnosisGroup& g : groups) {
    text += "\n- " + g.text + " (test" + (g.tests.size() > 1 ? "s" : "") + ": ";
    for (size_t i = 0; i < g.tests.size(); ++i) text += (i ? ", " : "") + g.tests[i];
    text += ")";
  }
  if (result.status == SubmissionStatus::kCompileError && !result.compile_output.empty()) {
    if (!text.empty()) text += "\n";
    text += "The submission did not compile:\n";
    if (result.compile_output.size() > max_compile_chars) {
      text +=
          std::string(base::utf8::TruncateAtBoundary(result.compile_output, max_compile_chars)) +
          "\n[... cut]";
    } else {
      text += result.compile_output;
    }
  }
  return text;
}

double RoundedScore(double score) { return std::round(score * 1e6) / 1e6; }

}  // namespace grader::batch
