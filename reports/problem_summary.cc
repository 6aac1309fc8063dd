// The class overview of one problem (docs/report.md, "Per problem").
#include <algorithm>
#include <set>

#include "reports/report_internal.h"

namespace reports::internal {
namespace {

bool HitLimit(const db::SubmissionRecord& s) {
  for (const db::TestResultRecord& t : s.tests) {
    if (t.verdict == "time_limit" || t.verdict == "memory_limit" || t.verdict == "output_limit")
      return true;
  }
  return false;
}

// Adds one submission's diagnoses to `counts` (one count per submission and id).
void CountDiagnoses(const db::SubmissionRecord& s, const grader::ProblemSpec* spec,
                    std::map<std::string, DiagnosisCount>* misconceptions,
                    std::map<std::string, DiagnosisCount>* patterns) {
  std::set<std::string> seen;
  for (const db::TestResultRecord& t : s.tests) {
    if (!t.diagnosis) continue;
    const bool is_mutant = !t.diagnosis->misconception.empty();
    const std::string& id = is_mutant ? t.diagnosis->misconception : t.diagnosis->pattern;
    auto& table = is_mutant ? *misconceptions : *patterns;
    DiagnosisCount& c = table[id];
    if (c.id.empty()) {
      c.id = id;
      c.explanation = is_mutant ? MutantExplanation(spec, id) : "";
    }
    // A pattern's detail may quote values; only a visible test's is shown.
    if (!is_mutant && c.explanation.empty() && t.visibility == "visible")
      c.explanation = t.diagnosis->text;
    if (seen.insert((is_mutant ? "m:" : "p:") + id).second) {
      ++c.submissions;
      if (std::find(c.learners.begin(), c.learners.end(), s.learner) == c.learners.end())
        c.learners.push_back(s.learner);
    }
  }
}

std::vector<DiagnosisCount> MostFrequent(std::map<std::string, DiagnosisCount> table) {
  std::vector<DiagnosisCount> out;
  for (auto& [id, c] : table) {
    std::sort(c.learners.begin(), c.learners.end());
    out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.submissions > b.submissions; });
  return out;
}

}  // namespace

std::string MutantExplanation(const grader::ProblemSpec* spec, const std::string& id) {
  if (spec == nullptr) return "";
  for (const grader::MutantSpec& m : spec->mutants) {
    if (m.id == id) return m.explanation;
  }
  return "";
}

ProblemSummary SummariseProblem(const std::string& id, const grader::ProblemSpec* spec,
                                const std::map<std::string, Attempts>& by_learner) {
  ProblemSummary out;
  out.id = id;
  out.title = spec ? spec->title : id;
  out.learners = static_cast<int64_t>(by_learner.size());
  out.histogram.assign(kHistogramBins, 0);
  for (const char* status : {"graded", "compile_error", "limits", "internal_error"})
    out.status_counts[status] = 0;
  // Test order: the spec's, then any name only the database knows (an older version).
  std::vector<std::string> order;
  if (spec) {
    for (const grader::TestSpec& t : spec->tests) order.push_back(t.name);
  }
  std::map<std::string, TestRate> rates;
  std::map<std::string, DiagnosisCount> misconceptions, patterns;
  std::vector<int64_t> attempts_to_full;
  for (const auto& [learner, attempts] : by_learner) {
    double best = 0;
    int64_t first_full = 0;
    for (size_t i = 0; i < attempts.size(); ++i) {
      const db::SubmissionRecord& s = *attempts[i];
      ++out.submissions;
      ++out.status_counts[s.status == "graded" && HitLimit(s) ? "limits" : s.status];
      if (s.max_score > 0) best = std::max(best, s.score / s.max_score);
      if (first_full == 0 && FullMarks(s)) first_full = static_cast<int64_t>(i) + 1;
      CountDiagnoses(s, spec, &misconceptions, &patterns);
    }
    out.histogram[static_cast<size_t>(
        std::clamp(static_cast<int>(best * kHistogramBins), 0, kHistogramBins - 1))]++;
    if (first_full > 0) {
      ++out.solved;
      attempts_to_full.push_back(first_full);
    } else if (static_cast<int>(attempts.size()) >= kStuckAttempts) {
      out.stuck.push_back(learner);
    }
    for (const db::TestResultRecord& t : attempts.back()->tests) {
      TestRate& r = rates[t.name];
      if (r.name.empty()) {
        r.name = t.name;
        r.visibility = t.visibility;
        if (std::find(order.begin(), order.end(), t.name) == order.end()) order.push_back(t.name);
      }
      ++r.total;
      if (t.verdict == "passed") ++r.passed;
    }
  }
  for (const std::string& name : order) {
    if (auto it = rates.find(name); it != rates.end()) out.tests.push_back(it->second);
  }
  out.misconceptions = MostFrequent(std::move(misconceptions));
  out.patterns = MostFrequent(std::move(patterns));
  if (!attempts_to_full.empty()) {
    std::sort(attempts_to_full.begin(), attempts_to_full.end());
    const size_t n = attempts_to_full.size();
    out.median_attempts_to_full =
        n % 2 ? static_cast<double>(attempts_to_full[n / 2])
              : (static_cast<double>(attempts_to_full[n / 2 - 1] + attempts_to_full[n / 2])) / 2;
  }
  return out;
}

}  // namespace reports::internal
