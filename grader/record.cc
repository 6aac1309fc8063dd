#include "grader/record.h"

#include <cmath>

#include "base/utf8.h"
#include "grader/secret.h"

namespace grader {
namespace {

Verdict ParseVerdict(const std::string& name) {
  for (int v = 0; v <= static_cast<int>(Verdict::kInternalError); ++v) {
    if (name == VerdictName(static_cast<Verdict>(v))) return static_cast<Verdict>(v);
  }
  return Verdict::kInternalError;
}

SubmissionStatus ParseStatus(const std::string& name) {
  for (SubmissionStatus s : {SubmissionStatus::kGraded, SubmissionStatus::kCompileError}) {
    if (name == SubmissionStatusName(s)) return s;
  }
  return SubmissionStatus::kInternalError;
}

}  // namespace

db::SubmissionRecord ToRecord(const ProblemSpec& problem, const std::string& learner,
                              const std::string& source, const GradeResult& result) {
  db::SubmissionRecord record;
  record.learner = learner;
  record.problem_id = problem.id;
  record.problem_version = problem.version;
  record.source_hash = Sha256Hex(source);
  record.source = source;
  record.status = SubmissionStatusName(result.status);
  record.score = result.score;
  record.max_score = result.max_score;
  // Stored rows are read back into JSON, which refuses invalid UTF-8.
  record.compile_output = base::utf8::Sanitise(result.compile_output);
  for (const TestResult& t : result.tests) {
    db::TestResultRecord r;
    r.name = t.name;
    r.entry = t.entry;
    r.visibility = VisibilityName(t.visibility);
    r.verdict = VerdictName(t.verdict);
    r.score = t.score;
    r.max_score = t.max_score;
    r.message = base::utf8::Sanitise(t.message);
    // A hidden test's figures could carry its inputs: stored as 0 (and no error), whatever the
    // caller passes, so that no output built from the database can show them.
    if (t.visibility == Visibility::kVisible) {
      if (t.max_rel_error && std::isfinite(*t.max_rel_error)) r.max_rel_error = t.max_rel_error;
      r.cpu_time_ms = t.cpu_time.count();
      r.wall_time_ms = t.wall_time.count();
      r.peak_memory_bytes = t.peak_memory_bytes;
    }
    if (t.diagnosis) {
      const Diagnosis& d = *t.diagnosis;
      const bool known = d.kind == Diagnosis::Kind::kMisconception;
      r.diagnosis = db::DiagnosisRecord{known ? d.misconception : "", known ? "" : d.pattern,
                                        d.skills, known ? d.explanation : d.detail};
    }
    record.tests.push_back(r);
  }
  return record;
}

GradeResult FromRecord(const db::SubmissionRecord& record) {
  GradeResult result;
  result.status = ParseStatus(record.status);
  result.score = record.score;
  result.max_score = record.max_score;
  result.compile_output = record.compile_output;
  for (const db::TestResultRecord& r : record.tests) {
    TestResult t;
    t.name = r.name;
    t.entry = r.entry;
    t.visibility = r.visibility == "hidden" ? Visibility::kHidden : Visibility::kVisible;
    t.verdict = ParseVerdict(r.verdict);
    t.score = r.score;
    t.max_score = r.max_score;
    t.message = r.message;
    t.max_rel_error = r.max_rel_error;
    t.cpu_time = std::chrono::milliseconds(r.cpu_time_ms);
    t.wall_time = std::chrono::milliseconds(r.wall_time_ms);
    t.peak_memory_bytes = r.peak_memory_bytes;
    if (r.diagnosis) {
      Diagnosis d;
      d.skills = r.diagnosis->skills;
      if (!r.diagnosis->misconception.empty()) {
        d.kind = Diagnosis::Kind::kMisconception;
        d.misconception = r.diagnosis->misconception;
        d.explanation = r.diagnosis->text;
      } else {
        d.kind = Diagnosis::Kind::kPattern;
        d.pattern = r.diagnosis->pattern;
        d.detail = r.diagnosis->text;
      }
      t.diagnosis = d;
    }
    result.tests.push_back(t);
  }
  return result;
}

}  // namespace grader
