// Grading one submission: build it, run every test in the sandbox, compare each output with the
// reference evaluated in this process, and score. Pure of storage: recording is the caller's.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/diagnosis.h"
#include "grader/problem_spec.h"
#include "grader/program_builder.h"
#include "grader/runner.h"
#include "grader/verdict.h"

namespace grader {

struct TestResult {
  std::string name;
  std::string entry;
  Visibility visibility = Visibility::kVisible;
  Verdict verdict = Verdict::kInternalError;
  double score = 0;
  double max_score = 0;
  std::string message;  // never contains hidden inputs, expected values or learner text
  std::optional<double> max_rel_error;
  std::chrono::milliseconds cpu_time{0};
  std::chrono::milliseconds wall_time{0};
  int64_t peak_memory_bytes = 0;
  std::optional<Diagnosis> diagnosis;  // failed tests only (grader/diagnose.h)
};

enum class SubmissionStatus { kGraded, kCompileError, kInternalError };
const char* SubmissionStatusName(SubmissionStatus status);  // "graded", ...

struct GradeResult {
  SubmissionStatus status = SubmissionStatus::kInternalError;
  double score = 0;
  double max_score = 0;
  std::string compile_output;
  std::string internal_error;  // kInternalError: what failed (for operators, not learners)
  std::vector<TestResult> tests;
};

struct GradeContext {
  ProcessRunner* runner = nullptr;
  ProgramBuilder* builder = nullptr;
  std::string secret;                 // seeds of hidden tests
  std::filesystem::path work_parent;  // where private work directories are created
};

// The seed a test's inputs are generated from.
uint64_t TestSeed(const ProblemSpec& problem, const TestSpec& test, const std::string& secret);

// One run of a learner's built program on one encoded request frame, in the execute sandbox
// under the problem's limits (shared by test runs and the gradient check).
sandbox::Outcome RunProgram(const std::string& binary, const ProblemSpec& problem,
                            std::string request_frame, ProcessRunner& runner);
// The same under given limits (a test's own: TestSpec::limits).
sandbox::Outcome RunProgram(const std::string& binary, const ProblemLimits& limits,
                            std::string request_frame, ProcessRunner& runner);

// REQUIRES: reference code is registered for problem.id.
GradeResult GradeSubmission(const ProblemSpec& problem, const std::string& source,
                            const GradeContext& context);

// Validates a submission's bytes before anything else happens: not empty, at most
// kMaxSourceBytes, no NUL byte, valid UTF-8. The message names the problem found.
inline constexpr size_t kMaxSourceBytes = 256 << 10;
base::Status ValidateSource(const std::string& source);

}  // namespace grader
