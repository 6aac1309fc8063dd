// A learner's page (docs/report.md, "Learner pages"): the file an instructor hands back. It
// names no other learner and shows hidden tests by name and verdict only.
#include <string>

#include "reports/escape.h"
#include "reports/html.h"
#include "reports/html_page.h"
#include "reports/svg.h"

namespace reports {
namespace {

using internal::Fixed;

std::string VerdictTable(const std::string& css_class, const std::vector<TestVerdict>& tests) {
  std::string out =
      "<table class=\"" + css_class +
      "\"><tr><th>test</th><th>visibility</th><th>verdict</th><th>message</th></tr>\n";
  for (const TestVerdict& t : tests) {
    out += "<tr><td>" + EscapeHtml(t.name) + "</td><td>" + EscapeHtml(t.visibility) +
           "</td><td class=\"" + (t.verdict == "passed" ? "passed" : "failed") + "\">" +
           EscapeHtml(t.verdict) + "</td><td>" + EscapeHtml(t.message) + "</td></tr>\n";
  }
  return out + "</table>\n";
}

// 1-based position of the best attempt among the learner's attempts of the problem.
size_t BestIndex(const LearnerProblem& p) {
  for (size_t i = 0; i < p.attempts.size(); ++i) {
    if (p.attempts[i].submission_id == p.best_submission_id) return i + 1;
  }
  return 0;
}

std::string ProblemSection(const LearnerProblem& p) {
  const std::string id = EscapeHtml(p.problem_id);
  std::string out = "<section class=\"problem\" id=\"problem-" + id + "\"><h3>" + id + "</h3>\n";
  std::vector<double> fractions;
  std::vector<std::string> tips;
  std::string rows;
  for (size_t i = 0; i < p.attempts.size(); ++i) {
    const Attempt& a = p.attempts[i];
    fractions.push_back(a.max_score > 0 ? a.score / a.max_score : 0);
    const std::string score = Fixed(a.score, 2) + " / " + Fixed(a.max_score, 2);
    tips.push_back("attempt " + std::to_string(i + 1) + ", " + EscapeHtml(a.created_at) + ": " +
                   score);
    rows += "<tr><td class=\"num\">" + std::to_string(i + 1) + "</td><td>" +
            EscapeHtml(a.created_at) + "</td><td>" + EscapeHtml(a.status) +
            "</td><td class=\"num\">" + score + "</td></tr>\n";
  }
  out += "<h4>Attempts over time</h4>\n" +
         AttemptsSvg(fractions, tips, "score per attempt, " + id) +
         "\n<table class=\"attempts\"><tr><th>#</th><th>submitted</th><th>status</th>"
         "<th>score</th></tr>\n" +
         rows + "</table>\n";
  out += "<h4>Latest attempt</h4>\n" + VerdictTable("latest", p.latest);
  if (!p.compile_output.empty())
    out += "<p>Compiler output:</p><pre>" + EscapeHtml(p.compile_output) + "</pre>\n";
  if (p.best_submission_id == p.attempts.back().submission_id) {
    out += "<p>The latest attempt is the best.</p>\n";
  } else {
    out += "<h4>Best attempt (attempt " + std::to_string(BestIndex(p)) + ")</h4>\n" +
           VerdictTable("best", p.best);
  }
  if (!p.diagnoses.empty()) {
    out += "<h4>What went wrong in the latest attempt</h4><ul class=\"diagnoses\">\n";
    for (const Diagnosis& d : p.diagnoses) {
      out += "<li><b>" + EscapeHtml(d.test) + "</b>: " + EscapeHtml(d.kind) + " <code>" +
             EscapeHtml(d.id) + "</code>" +
             (d.explanation.empty() ? "" : " — " + EscapeHtml(d.explanation)) + "</li>\n";
    }
    out += "</ul>\n";
  }
  return out + "</section>\n";
}

}  // namespace

std::string LearnerHtml(const ClassReport& report, const LearnerReport& learner) {
  const std::string name = EscapeHtml(learner.name);
  std::string out = internal::PageStart("Report for " + name);
  out += "<h1>Report for <span class=\"name\">" + name + "</span></h1>\n<h2>Problems</h2>\n";
  for (const LearnerProblem& p : learner.problems) out += ProblemSection(p);
  out += "<h2>Mastery per skill</h2>\n<p>Mastered at P(L) ≥ " + Fixed(report.mastery_threshold, 2) +
         ".</p><table class=\"mastery\"><tr><th>skill</th><th>P(L)</th><th>observations</th>"
         "<th>correct</th></tr>\n";
  for (const db::MasteryRecord& m : learner.mastery) {
    out += "<tr><td>" + EscapeHtml(m.skill) +
           "</td><td class=\"cell num\" style=\"background:" + HeatColour(m.p_mastery) + "\">" +
           Fixed(m.p_mastery, 2) + "</td><td class=\"num\">" + std::to_string(m.observations) +
           "</td><td class=\"num\">" + std::to_string(m.correct) + "</td></tr>\n";
  }
  out += "</table>\n<h2>What to do next</h2>\n<ol class=\"recommendations\">\n";
  for (const grader::Recommendation& r : learner.recommendations) {
    out += "<li><b>" + EscapeHtml(r.problem_id) + "</b> (" + EscapeHtml(r.kind) +
           "): " + EscapeHtml(r.reason) + "</li>\n";
  }
  if (learner.recommendations.empty()) out += "<li>Every unlocked problem is solved.</li>\n";
  return out + "</ol>\n" + internal::PageEnd();
}

}  // namespace reports
