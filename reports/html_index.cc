// index.html: the instructor's page (docs/report.md, "index.html").
#include <string>

#include "reports/escape.h"
#include "reports/html.h"
#include "reports/html_page.h"
#include "reports/svg.h"

namespace reports {
namespace {

using internal::Fixed;
using internal::Rate;

// A large cluster (many learners converging on the model solution) lists its most similar
// pairs; the CSV and JSON carry every pair.
constexpr size_t kPairsShown = 100;

std::string LearnerLink(const std::string& learner) {
  return "<a class=\"learner\" href=\"" + EscapeHtml(LearnerFileName(learner)) + "\">" +
         EscapeHtml(learner) + "</a>";
}

std::string LearnerLinks(const std::vector<std::string>& learners) {
  std::string out;
  for (const std::string& l : learners) out += (out.empty() ? "" : ", ") + LearnerLink(l);
  return out.empty() ? "none" : out;
}

std::string DiagnosisTable(const std::string& kind, const std::vector<DiagnosisCount>& rows) {
  if (rows.empty()) return "<p>No " + kind + " diagnosed.</p>\n";
  std::string out =
      "<table class=\"" + kind + "\"><tr><th>" + kind +
      "</th><th>submissions</th><th>learners</th><th>explanation</th><th>who</th></tr>\n";
  for (const DiagnosisCount& d : rows) {
    out += "<tr><td>" + EscapeHtml(d.id) + "</td><td class=\"num\">" +
           std::to_string(d.submissions) + "</td><td class=\"num\">" +
           std::to_string(d.learners.size()) + "</td><td>" + EscapeHtml(d.explanation) +
           "</td><td>" + LearnerLinks(d.learners) + "</td></tr>\n";
  }
  return out + "</table>\n";
}

std::string ProblemSection(const ProblemSummary& p) {
  const std::string id = EscapeHtml(p.id);
  std::string out = "<section class=\"problem\" id=\"problem-" + id + "\"><h3>" + id + " — " +
                    EscapeHtml(p.title) + "</h3>\n";
  out +=
      "<table class=\"overview\"><tr><th>learners</th><th>submissions</th><th>solved</th>"
      "<th>median attempts to full marks</th></tr><tr><td class=\"num\">" +
      std::to_string(p.learners) + "</td><td class=\"num\">" + std::to_string(p.submissions) +
      "</td><td class=\"num\">" + std::to_string(p.solved) + "</td><td class=\"num\">" +
      (p.solved ? Fixed(p.median_attempts_to_full, 1) : "—") + "</td></tr></table>\n";
  out += "<h4>Status of submissions</h4><table class=\"status\"><tr>";
  for (const auto& [status, count] : p.status_counts) out += "<th>" + EscapeHtml(status) + "</th>";
  out += "</tr><tr>";
  for (const auto& [status, count] : p.status_counts)
    out += "<td class=\"num\" data-status=\"" + EscapeHtml(status) + "\">" + std::to_string(count) +
           "</td>";
  out += "</tr></table>\n<h4>Best score per learner</h4>\n";
  std::vector<std::string> labels;
  for (int i = 0; i < kHistogramBins; ++i)
    labels.push_back(std::to_string(i * 100 / kHistogramBins) + "%+");
  out += BarChartSvg(p.histogram, labels, "best score per learner, " + id) + "\n";
  out +=
      "<h4>Tests (each learner's latest submission)</h4><table class=\"tests\">"
      "<tr><th>test</th><th>visibility</th><th>passed</th></tr>\n";
  for (const TestRate& t : p.tests) {
    out += "<tr><td>" + EscapeHtml(t.name) + "</td><td>" + EscapeHtml(t.visibility) +
           "</td><td class=\"num rate\">" + Rate(t.passed, t.total) + "</td></tr>\n";
  }
  out += "</table>\n<h4>Misconceptions</h4>\n" + DiagnosisTable("misconception", p.misconceptions);
  out += "<h4>Generic patterns</h4>\n" + DiagnosisTable("pattern", p.patterns);
  out += "<h4>Stuck (" + std::to_string(kStuckAttempts) +
         "+ attempts, none with full marks)</h4><p class=\"stuck\">" + LearnerLinks(p.stuck) +
         "</p>\n</section>\n";
  return out;
}

std::string SkillsSection(const ClassReport& r) {
  std::string out =
      "<h2 id=\"skills\">Skills across the class</h2>\n<p>BKT mastery P(L) per "
      "learner and skill (mastered at " +
      Fixed(r.mastery_threshold, 2) +
      "); an empty cell: no evidence yet.</p>\n<table class=\"heat\"><tr><th>learner</th>";
  for (const std::string& s : r.skills) out += "<th>" + EscapeHtml(s) + "</th>";
  out += "</tr>\n";
  for (const std::string& l : r.learners) {
    out += "<tr><th>" + LearnerLink(l) + "</th>";
    const auto row = r.mastery.find(l);
    for (const std::string& s : r.skills) {
      double value = -1;  // no evidence
      if (row != r.mastery.end()) {
        if (auto it = row->second.find(s); it != row->second.end()) value = it->second;
      }
      if (value < 0) {
        out += "<td class=\"cell\"></td>";
        continue;
      }
      out += "<td class=\"cell\" style=\"background:" + HeatColour(value) + "\" title=\"" +
             EscapeHtml(l) + " · " + EscapeHtml(s) + ": " + Fixed(value, 2) + "\">" +
             Fixed(value, 2) + "</td>";
    }
    out += "</tr>\n";
  }
  out +=
      "</table>\n<h3>Weakest skills</h3><table class=\"weakest\"><tr><th>skill</th>"
      "<th>mean P(L)</th><th>learners</th><th>description</th><th>practised by</th></tr>\n";
  for (const WeakSkill& w : r.weakest) {
    std::string problems;
    for (const std::string& p : w.problems)
      problems += (problems.empty() ? "" : ", ") + EscapeHtml(p);
    out += "<tr><td>" + EscapeHtml(w.skill) + "</td><td class=\"num\">" + Fixed(w.mean_mastery, 2) +
           "</td><td class=\"num\">" + std::to_string(w.learners) + "</td><td>" +
           EscapeHtml(w.description) + "</td><td>" + problems + "</td></tr>\n";
  }
  return out + "</table>\n";
}

std::string SimilaritySection(const ClassReport& r) {
  std::string out = "<h2 id=\"similarity\">Similarity clusters</h2>\n";
  if (r.clusters.empty()) return out + "<p>No similar submissions above the threshold.</p>\n";
  out +=
      "<p>Each learner's latest submission per problem; comments, whitespace, names and "
      "literals ignored, the starter's code excluded.</p>\n";
  for (const SimilarityCluster& c : r.clusters) {
    out += "<h4>" + EscapeHtml(c.problem_id) + ": " + std::to_string(c.learners.size()) +
           " learners</h4><table class=\"cluster\"><tr><th>learner</th><th>learner</th>"
           "<th>similarity</th><th>identical</th></tr>\n";
    for (size_t i = 0; i < c.pairs.size() && i < kPairsShown; ++i) {
      const SimilarityPair& p = c.pairs[i];
      out += "<tr class=\"pair\"><td>" + LearnerLink(p.a) + "</td><td>" + LearnerLink(p.b) +
             "</td><td class=\"num\">" + Fixed(p.similarity, 2) + "</td><td>" +
             (p.identical ? "yes" : "no") + "</td></tr>\n";
    }
    out += "</table>\n";
    if (c.pairs.size() > kPairsShown) {
      out += "<p>… and " + std::to_string(c.pairs.size() - kPairsShown) +
             " more pairs (<code>report --format csv</code>: similarity.csv lists them all).</p>\n";
    }
  }
  return out;
}

}  // namespace

std::string IndexHtml(const ClassReport& r) {
  int64_t submissions = 0;
  for (const ProblemSummary& p : r.problems) submissions += p.submissions;
  std::string out = internal::PageStart("Class report");
  out +=
      "<h1>Class report</h1>\n<nav><a href=\"#problems\">Problems</a> · <a "
      "href=\"#skills\">Skills</a> · <a href=\"#similarity\">Similarity</a> · <a "
      "href=\"#learners\">Learners</a></nav>\n<p class=\"totals\">" +
      std::to_string(r.learners.size()) + " learners, " + std::to_string(r.problems.size()) +
      (r.problems.size() == 1 ? " problem, " : " problems, ") + std::to_string(submissions) +
      " submissions.</p>\n";
  out += "<h2 id=\"problems\">Problems</h2>\n";
  for (const ProblemSummary& p : r.problems) out += ProblemSection(p);
  out += SkillsSection(r) + SimilaritySection(r);
  out += "<h2 id=\"learners\">Learners</h2>\n<ul class=\"learners\">";
  for (const std::string& l : r.learners) out += "<li>" + LearnerLink(l) + "</li>";
  return out + "</ul>\n" + internal::PageEnd();
}

}  // namespace reports
