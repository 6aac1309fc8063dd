// One learner's page data (docs/report.md, "Learner pages"). Hidden tests keep their name and
// verdict only: their messages, and a pattern's detail on them, may quote hidden inputs.
#include "reports/report_internal.h"

namespace reports::internal {
namespace {

std::vector<TestVerdict> Verdicts(const db::SubmissionRecord& s) {
  std::vector<TestVerdict> out;
  for (const db::TestResultRecord& t : s.tests) {
    const bool visible = t.visibility == "visible";
    out.push_back({t.name, visible ? "visible" : "hidden", t.verdict, visible ? t.message : ""});
  }
  return out;
}

}  // namespace

LearnerProblem LearnerProblemReport(const std::string& id, const grader::ProblemSpec* spec,
                                    const Attempts& attempts) {
  LearnerProblem out;
  out.problem_id = id;
  const db::SubmissionRecord* best = attempts.front();
  for (const db::SubmissionRecord* s : attempts) {
    out.attempts.push_back({s->id, s->created_at, s->status, s->score, s->max_score});
    if (s->score > best->score) best = s;
  }
  const db::SubmissionRecord& latest = *attempts.back();
  out.latest = Verdicts(latest);
  out.best = Verdicts(*best);
  out.best_submission_id = best->id;
  if (latest.status == "compile_error") out.compile_output = latest.compile_output;
  for (const db::TestResultRecord& t : latest.tests) {
    if (!t.diagnosis) continue;
    Diagnosis d;
    d.test = t.name;
    if (!t.diagnosis->misconception.empty()) {
      d.kind = "misconception";
      d.id = t.diagnosis->misconception;
      d.explanation = MutantExplanation(spec, d.id);
    } else {
      d.kind = "pattern";
      d.id = t.diagnosis->pattern;
      if (t.visibility == "visible") d.explanation = t.diagnosis->text;
    }
    out.diagnoses.push_back(std::move(d));
  }
  return out;
}

}  // namespace reports::internal
