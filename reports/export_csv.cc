// The CSV tables (columns: docs/report.md, "JSON and CSV").
#include <fstream>
#include <initializer_list>

#include "reports/escape.h"
#include "reports/export.h"
#include "reports/html_page.h"

namespace reports {
namespace {

using internal::Fixed;

class Table {
 public:
  explicit Table(std::initializer_list<std::string> header) { Row(header); }
  void Row(std::initializer_list<std::string> cells) {
    bool first = true;
    for (const std::string& c : cells) {
      if (!first) text_ += ',';
      text_ += CsvCell(c);
      first = false;
    }
    text_ += "\r\n";
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& i : items) {
    if (!out.empty()) out += ';';
    out += i;
  }
  return out;
}

std::string N(int64_t x) { return std::to_string(x); }

void AddLearnerTables(const ClassReport& r, std::map<std::string, std::string>* out) {
  Table attempts({"learner", "problem", "attempt", "submission_id", "created_at", "status", "score",
                  "max_score"});
  Table verdicts({"learner", "problem", "which", "test", "visibility", "verdict", "message"});
  Table diagnoses({"learner", "problem", "test", "kind", "id", "explanation"});
  Table recs({"learner", "rank", "problem", "kind", "skill", "reason"});
  for (const LearnerReport& l : r.learner_reports) {
    for (const LearnerProblem& p : l.problems) {
      for (size_t i = 0; i < p.attempts.size(); ++i) {
        const Attempt& a = p.attempts[i];
        attempts.Row({l.name, p.problem_id, N(static_cast<int64_t>(i) + 1), N(a.submission_id),
                      a.created_at, a.status, Fixed(a.score, 4), Fixed(a.max_score, 4)});
      }
      for (const auto& [which, tests] : {std::pair{"latest", &p.latest}, {"best", &p.best}}) {
        for (const TestVerdict& t : *tests)
          verdicts.Row({l.name, p.problem_id, which, t.name, t.visibility, t.verdict, t.message});
      }
      for (const Diagnosis& d : p.diagnoses)
        diagnoses.Row({l.name, p.problem_id, d.test, d.kind, d.id, d.explanation});
    }
    for (size_t i = 0; i < l.recommendations.size(); ++i) {
      const grader::Recommendation& rec = l.recommendations[i];
      recs.Row({l.name, N(static_cast<int64_t>(i) + 1), rec.problem_id, rec.kind, rec.skill,
                rec.reason});
    }
  }
  (*out)["attempts.csv"] = attempts.text();
  (*out)["verdicts.csv"] = verdicts.text();
  (*out)["learner_diagnoses.csv"] = diagnoses.text();
  (*out)["recommendations.csv"] = recs.text();
}

}  // namespace

std::map<std::string, std::string> ReportCsv(const ClassReport& r) {
  Table problems({"problem", "title", "learners", "submissions", "solved",
                  "median_attempts_to_full", "graded", "compile_error", "limits",
                  "internal_error"});
  Table histogram({"problem", "from_percent", "to_percent", "learners"});
  Table tests({"problem", "test", "visibility", "passed", "total"});
  Table diagnoses({"problem", "kind", "id", "submissions", "learners", "who", "explanation"});
  Table stuck({"problem", "learner"});
  for (const ProblemSummary& p : r.problems) {
    auto status = [&](const char* s) {
      auto it = p.status_counts.find(s);
      return N(it == p.status_counts.end() ? 0 : it->second);
    };
    problems.Row({p.id, p.title, N(p.learners), N(p.submissions), N(p.solved),
                  Fixed(p.median_attempts_to_full, 1), status("graded"), status("compile_error"),
                  status("limits"), status("internal_error")});
    for (int i = 0; i < kHistogramBins; ++i) {
      histogram.Row({p.id, N(i * 100 / kHistogramBins), N((i + 1) * 100 / kHistogramBins),
                     N(p.histogram[static_cast<size_t>(i)])});
    }
    for (const TestRate& t : p.tests)
      tests.Row({p.id, t.name, t.visibility, N(t.passed), N(t.total)});
    for (const auto& [kind, rows] :
         {std::pair{"misconception", &p.misconceptions}, {"pattern", &p.patterns}}) {
      for (const DiagnosisCount& d : *rows) {
        diagnoses.Row({p.id, kind, d.id, N(d.submissions),
                       N(static_cast<int64_t>(d.learners.size())), Join(d.learners),
                       d.explanation});
      }
    }
    for (const std::string& l : p.stuck) stuck.Row({p.id, l});
  }
  Table mastery({"learner", "skill", "p_mastery"});
  for (const auto& [learner, skills] : r.mastery) {
    for (const auto& [skill, p] : skills) mastery.Row({learner, skill, Fixed(p, 4)});
  }
  Table weakest({"skill", "mean_mastery", "learners", "description", "problems"});
  for (const WeakSkill& w : r.weakest)
    weakest.Row(
        {w.skill, Fixed(w.mean_mastery, 4), N(w.learners), w.description, Join(w.problems)});
  Table similarity({"problem", "cluster", "learner_a", "learner_b", "similarity", "identical"});
  for (size_t c = 0; c < r.clusters.size(); ++c) {
    for (const SimilarityPair& p : r.clusters[c].pairs) {
      similarity.Row({r.clusters[c].problem_id, N(static_cast<int64_t>(c) + 1), p.a, p.b,
                      Fixed(p.similarity, 4), p.identical ? "1" : "0"});
    }
  }
  std::map<std::string, std::string> out = {{"problems.csv", problems.text()},
                                            {"histogram.csv", histogram.text()},
                                            {"tests.csv", tests.text()},
                                            {"diagnoses.csv", diagnoses.text()},
                                            {"stuck.csv", stuck.text()},
                                            {"mastery.csv", mastery.text()},
                                            {"weakest_skills.csv", weakest.text()},
                                            {"similarity.csv", similarity.text()}};
  AddLearnerTables(r, &out);
  return out;
}

base::Status WriteCsvReport(const ClassReport& report, const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return base::Status::Internal("cannot create " + dir.string() + ": " + ec.message());
  for (const auto& [name, text] : ReportCsv(report)) {
    std::ofstream file(dir / name, std::ios::binary | std::ios::trunc);
    file << text;
    file.close();
    if (!file) return base::Status::Internal("cannot write " + (dir / name).string());
  }
  return base::Status::Ok();
}

}  // namespace reports
