#include "grader/batch/summary.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "base/utf8.h"

namespace grader::batch {
namespace {

// Names from submissions' paths reach the terminal as text, never as control sequences.
std::string Shown(const std::string& text) { return base::utf8::EscapeForTerminal(text); }

}  // namespace

std::string Summary(const ProblemSpec& problem, const std::vector<GradedEntry>& entries,
                    size_t items, size_t skipped) {
  char line[256];
  std::string out;
  size_t hits = 0;
  std::map<std::string, size_t> statuses;
  std::map<std::pair<std::string, std::string>, size_t> verdicts;  // (verdict, test) -> count
  const int kBuckets = 5;
  std::vector<size_t> histogram(kBuckets + 1, 0);  // last bucket: full marks
  for (const GradedEntry& e : entries) {
    hits += e.cache_hit ? 1 : 0;
    ++statuses[SubmissionStatusName(e.result.status)];
    for (const TestResult& t : e.result.tests) {
      if (t.verdict != Verdict::kPassed) ++verdicts[{VerdictName(t.verdict), t.name}];
    }
    const double fraction = e.result.max_score > 0 ? e.result.score / e.result.max_score : 0;
    const int bucket = fraction >= 1 ? kBuckets : static_cast<int>(fraction * kBuckets);
    ++histogram[static_cast<size_t>(std::clamp(bucket, 0, kBuckets))];
  }
  std::snprintf(line, sizeof(line),
                "Graded %zu of %zu submission(s) of %s (%zu cache hit(s), %zu file(s) skipped)\n",
                entries.size(), items, Shown(problem.id).c_str(), hits, skipped);
  out += line;
  out += "Status:";
  for (const auto& [status, count] : statuses) out += "  " + status + " " + std::to_string(count);
  out += "\nScores (of " + std::to_string(static_cast<int>(problem.MaxScore())) + "):\n";
  for (int b = 0; b <= kBuckets; ++b) {
    const std::string label = b == kBuckets ? "    100%"
                                            : std::to_string(b * 100 / kBuckets) + "-" +
                                                  std::to_string((b + 1) * 100 / kBuckets) + "%";
    const size_t count = histogram[static_cast<size_t>(b)];
    const size_t bar = entries.empty() ? 0 : count * 40 / entries.size();
    std::snprintf(line, sizeof(line), "  %8s %s %zu\n", label.c_str(),
                  std::string(bar, '#').c_str(), count);
    out += line;
  }
  std::vector<std::pair<size_t, std::pair<std::string, std::string>>> ranked;
  for (const auto& [key, count] : verdicts) ranked.push_back({count, key});
  std::sort(ranked.begin(), ranked.end(),
            [](const auto& a, const auto& b) { return a.first > b.first; });
  if (!ranked.empty()) out += "Most frequent verdicts:\n";
  for (size_t i = 0; i < std::min<size_t>(5, ranked.size()); ++i) {
    std::snprintf(line, sizeof(line), "  %4zu x %s on %s\n", ranked[i].first,
                  ranked[i].second.first.c_str(), Shown(ranked[i].second.second).c_str());
    out += line;
  }
  std::vector<const GradedEntry*> slowest;
  for (const GradedEntry& e : entries) {
    if (!e.cache_hit) slowest.push_back(&e);
  }
  std::sort(slowest.begin(), slowest.end(), [](const GradedEntry* a, const GradedEntry* b) {
    return a->elapsed_ms > b->elapsed_ms;
  });
  if (!slowest.empty()) out += "Slowest:\n";
  for (size_t i = 0; i < std::min<size_t>(3, slowest.size()); ++i) {
    // Not through the fixed-size buffer: a long name must not be cut mid-character.
    std::snprintf(line, sizeof(line), "  %6.2f s  ",
                  static_cast<double>(slowest[i]->elapsed_ms) / 1000.0);
    out += line + Shown(slowest[i]->learner) + " (" + Shown(slowest[i]->file) + ")\n";
  }
  return out;
}

}  // namespace grader::batch
