#include "grader/grade.h"

#include <csignal>
#include <cstring>
#include <string_view>

#include "base/utf8.h"
#include "grader/compare.h"
#include "grader/diagnose.h"
#include "grader/generator.h"
#include "grader/gradient_check.h"
#include "grader/scoring.h"
#include "grader/secret.h"
#include "grader/source_policy.h"
#include "grader/training_data.h"
#include "grader/work_dir.h"
#include "harness/exit_codes.h"
#include "harness/wire.h"
#include "reference/registry.h"

namespace grader {
namespace {

std::string SignalName(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  const char* description = sigdescr_np(signal);
  std::string name = abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
  if (description) name += std::string(" (") + description + ")";
  return name;
}

// Text after `marker` up to the end of its line, or "" when absent: at most 300 bytes, cut on a
// character boundary, valid UTF-8 whatever the program wrote, and its control characters
// written as visible escapes (it reaches terminals, JSON and XML from here on).
std::string AfterMarker(const std::string& text, const char* marker) {
  constexpr size_t kMaxBytes = 300;
  size_t at = text.rfind(marker);
  if (at == std::string::npos) return "";
  at += std::strlen(marker);
  size_t end = text.find('\n', at);
  const std::string_view line =
      std::string_view(text).substr(at, end == std::string::npos ? std::string::npos : end - at);
  return base::utf8::EscapeForTerminal(base::utf8::TruncateAtBoundary(line, kMaxBytes));
}

// "2 s", "0.5 s": a limit as the learner reads it.
std::string Seconds(std::chrono::milliseconds ms) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g s", static_cast<double>(ms.count()) / 1000.0);
  return text;
}

std::string Mebibytes(int64_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// Why the program did not hand back a valid frame: a verdict and a message that names the limit
// it hit (the problem's, the same for every test). For hidden tests the message never repeats
// anything the program printed.
void ClassifyFailedRun(const sandbox::Outcome& outcome, const ProblemLimits& limits, bool hidden,
                       TestResult* result) {
  switch (outcome.status) {
    case sandbox::Status::kCpuTime:
      result->verdict = Verdict::kTimeLimit;
      result->message = "CPU time limit exceeded (" + Seconds(limits.cpu_time) + " per test)";
      return;
    case sandbox::Status::kWallTime:
      result->verdict = Verdict::kTimeLimit;
      result->message =
          "wall-clock time limit exceeded (" + Seconds(limits.wall_time) + " per test)";
      return;
    case sandbox::Status::kMemory:
      result->verdict = Verdict::kMemoryLimit;
      result->message = "memory limit exceeded (" + Mebibytes(limits.memory_bytes) + ")";
      return;
    case sandbox::Status::kOutput:
      result->verdict = Verdict::kOutputLimit;
      result->message = "the program wrote more output than allowed";
      return;
    case sandbox::Status::kForbiddenSyscall:
      result->verdict = Verdict::kForbiddenSyscall;
      result->message =
          "the program made a forbidden system call" +
          (outcome.forbidden_syscall.empty() ? std::string()
                                             : " (" + outcome.forbidden_syscall + ")");
      return;
    case sandbox::Status::kSandboxError:
      result->verdict = Verdict::kInternalError;
      result->message = "the grader could not run the program (not your fault)";
      return;
    case sandbox::Status::kSignaled:
    case sandbox::Status::kOk:
      break;
  }
  const std::string& err = outcome.stderr_data;
  result->verdict = Verdict::kRuntimeError;
  if (outcome.exit_code == harness::kExitEigenAssert &&
      err.find(GRADER_EIGEN_ASSERT_MARKER) != std::string::npos) {
    result->message = IsIndexAssertion(AfterMarker(err, GRADER_EIGEN_ASSERT_MARKER))
                          ? "an Eigen bounds check failed (an index out of range)"
                          : "an Eigen assertion failed (usually a dimension mismatch)";
    if (!hidden) result->message += ": " + AfterMarker(err, GRADER_EIGEN_ASSERT_MARKER);
  } else if (outcome.exit_code == harness::kExitOutOfMemory &&
             err.find(GRADER_OUT_OF_MEMORY_MARKER) != std::string::npos) {
    result->verdict = Verdict::kMemoryLimit;
    result->message = "memory limit exceeded (an allocation failed; the limit is " +
                      Mebibytes(limits.memory_bytes) + ")";
  } else if (outcome.exit_code == harness::kExitException &&
             err.find(GRADER_EXCEPTION_MARKER) != std::string::npos) {
    result->message = "your code threw an exception";
    if (!hidden) result->message += ": " + AfterMarker(err, GRADER_EXCEPTION_MARKER);
  } else if (outcome.status == sandbox::Status::kSignaled) {
    result->message = "killed by " + SignalName(outcome.signal);
  } else {
    result->message = "the program exited with code " + std::to_string(outcome.exit_code) +
                      " before returning its outputs";
  }
}

void RunTest(const ProblemSpec& problem, const TestSpec& test, const std::string& binary,
             const reference::ProblemCode& code, const GradeContext& context, TestResult* result,
             TestEvidence* evidence) {
  const bool hidden = test.visibility == Visibility::kHidden;
  auto inputs = GenerateInputs(test, TestSeed(problem, test, context.secret));
  if (!inputs.ok()) {
    result->verdict = Verdict::kInternalError;
    result->message = "test data could not be generated: " + inputs.status().message();
    return;
  }
  auto expected = reference::Evaluate(code.reference, test.entry, *inputs);
  if (!expected.ok()) {
    result->verdict = Verdict::kInternalError;
    result->message = "the reference failed: " + expected.status().message();
    return;
  }
  evidence->inputs = *inputs;
  evidence->expected = *expected;
  evidence->has_reference = true;

  wire::Request request;
  request.entry = test.entry;
  request.inputs = *inputs;
  if (base::Status s = RandomBytes(request.nonce.data(), request.nonce.size()); !s.ok()) {
    result->verdict = Verdict::kInternalError;
    result->message = s.message();
    return;
  }
  sandbox::Outcome outcome =
      RunProgram(binary, test.limits, wire::EncodeRequest(request), *context.runner);
  // A hidden test's figures would be a channel for its inputs (a program can allocate or spin in
  // proportion to X(0,0)): they are not kept, so no output can show them.
  if (!hidden) {
    result->cpu_time = outcome.cpu_time;
    result->wall_time = outcome.wall_time;
    result->peak_memory_bytes = outcome.peak_memory_bytes;
  }
  if (outcome.status != sandbox::Status::kOk || outcome.exit_code != 0) {
    ClassifyFailedRun(outcome, test.limits, hidden, result);
    const bool eigen_check =
        result->verdict == Verdict::kRuntimeError && outcome.exit_code == harness::kExitEigenAssert;
    evidence->index_out_of_range =
        eigen_check &&
        IsIndexAssertion(AfterMarker(outcome.stderr_data, GRADER_EIGEN_ASSERT_MARKER));
    evidence->dimension_mismatch = eigen_check && !evidence->index_out_of_range;
    return;
  }

  auto response = wire::DecodeResponse(outcome.result_data);
  if (!response.ok()) {
    result->verdict = Verdict::kProtocolError;
    result->message = "the program's result frame is invalid: " + response.status().message();
    return;
  }
  if (response->nonce != request.nonce) {
    result->verdict = Verdict::kProtocolError;
    result->message = "the program's result frame does not answer this run (wrong nonce)";
    return;
  }
  const EntrySpec* entry = problem.FindEntry(test.entry);
  if (response->outputs.size() != expected->size()) {
    result->verdict = Verdict::kProtocolError;
    result->message = "the program returned " + std::to_string(response->outputs.size()) +
                      " outputs, expected " + std::to_string(expected->size());
    return;
  }
  // Compare in the entry's display order; the worst verdict wins by a fixed priority.
  auto rank = [](Verdict v) {
    return v == Verdict::kShapeMismatch ? 3
           : v == Verdict::kNonFinite   ? 2
           : v == Verdict::kWrongAnswer ? 1
                                        : 0;
  };
  evidence->outputs = response->outputs;
  result->verdict = Verdict::kPassed;
  result->max_rel_error = 0.0;
  std::string failures;
  for (const std::string& name : entry->outputs) {
    auto want = expected->find(name);
    auto got = response->outputs.find(name);
    if (want == expected->end()) {
      result->verdict = Verdict::kInternalError;
      result->message = "the reference did not produce output '" + name + "'";
      return;
    }
    if (got == response->outputs.end()) {
      result->verdict = Verdict::kProtocolError;
      result->message = "the program's result frame lacks output '" + name + "'";
      return;
    }
    Comparison c = CompareTensor(got->second, want->second, test.tolerance, test.floor);
    result->max_rel_error = std::max(*result->max_rel_error, c.max_rel_error);
    if (c.verdict == Verdict::kPassed) continue;
    if (rank(c.verdict) > rank(result->verdict)) result->verdict = c.verdict;
    if (!failures.empty()) failures += "; ";
    failures += DescribeComparison(name, c, got->second, want->second, !hidden);
  }
  if (result->verdict == Verdict::kPassed) {
    result->score = test.points;
    char buffer[96];
    std::snprintf(buffer, sizeof(buffer), "all outputs match (max relative error %.2g)",
                  *result->max_rel_error);
    result->message = hidden ? "all outputs match" : buffer;
  } else {
    result->message = failures;
  }
  // Even within the tolerance, a correct program can perturb its answer by an amount that
  // encodes an input: a hidden test's error is never reported.
  if (hidden) result->max_rel_error.reset();
}

// One training run (docs/problem-format.md, "Training problems: tier scoring"): the pack makes
// the data, the program gets the inputs only, and the metric is computed here against the target,
// which never enters the sandbox. No mutant reproduces a training run exactly (the learner's
// random draws differ), so the diagnosis is the pattern the metric shows, when one applies.
void RunScoredTest(const ProblemSpec& problem, const TestSpec& test, const EntrySpec& entry,
                   const std::string& binary, const reference::ProblemCode& code,
                   const GradeContext& context, TestResult* result) {
  const bool hidden = test.visibility == Visibility::kHidden;
  auto data = MakeTrainingData(test, entry, TestSeed(problem, test, context.secret), code);
  if (!data.ok()) {
    result->verdict = Verdict::kInternalError;
    result->message = "the training data could not be made: " + data.status().message();
    return;
  }
  wire::Request request;
  request.entry = test.entry;
  request.inputs = std::move(data->program_inputs);
  if (base::Status s = RandomBytes(request.nonce.data(), request.nonce.size()); !s.ok()) {
    result->verdict = Verdict::kInternalError;
    result->message = s.message();
    return;
  }
  sandbox::Outcome outcome =
      RunProgram(binary, test.limits, wire::EncodeRequest(request), *context.runner);
  if (!hidden) {
    result->cpu_time = outcome.cpu_time;
    result->wall_time = outcome.wall_time;
    result->peak_memory_bytes = outcome.peak_memory_bytes;
  }
  if (outcome.status != sandbox::Status::kOk || outcome.exit_code != 0) {
    ClassifyFailedRun(outcome, test.limits, hidden, result);
    return;
  }
  auto response = wire::DecodeResponse(outcome.result_data);
  if (!response.ok()) {
    result->verdict = Verdict::kProtocolError;
    result->message = "the program's result frame is invalid: " + response.status().message();
    return;
  }
  if (response->nonce != request.nonce) {
    result->verdict = Verdict::kProtocolError;
    result->message = "the program's result frame does not answer this run (wrong nonce)";
    return;
  }
  const ScoringSpec& scoring = *entry.scoring;
  auto got = response->outputs.find(scoring.output);
  if (got == response->outputs.end()) {
    result->verdict = Verdict::kProtocolError;
    result->message = "the program's result frame lacks output '" + scoring.output + "'";
    return;
  }
  TierOutcome scored = ScoreRun(scoring, scoring.output, got->second, data->target, !hidden);
  result->verdict = scored.verdict;
  result->score = scored.credit * test.points;
  result->message = scored.message;
  result->diagnosis = scored.diagnosis;
}

}  // namespace

const char* SubmissionStatusName(SubmissionStatus status) {
  switch (status) {
    case SubmissionStatus::kGraded:
      return "graded";
    case SubmissionStatus::kCompileError:
      return "compile_error";
    case SubmissionStatus::kInternalError:
      return "internal_error";
  }
  return "internal_error";
}

sandbox::Outcome RunProgram(const std::string& binary, const ProblemSpec& problem,
                            std::string request_frame, ProcessRunner& runner) {
  return RunProgram(binary, problem.limits, std::move(request_frame), runner);
}

sandbox::Outcome RunProgram(const std::string& binary, const ProblemLimits& run_limits,
                            std::string request_frame, ProcessRunner& runner) {
  sandbox::Command command;
  command.argv = {binary};
  command.env = {"LANG=C"};
  command.working_dir = std::filesystem::path(binary).parent_path().string();
  command.stdin_data = std::move(request_frame);
  command.result_channel = true;
  sandbox::Limits limits;
  limits.cpu_time = run_limits.cpu_time;
  limits.wall_time = run_limits.wall_time;
  limits.memory_bytes = run_limits.memory_bytes;
  return runner.Run(command, limits, sandbox::Policy::kExecute);
}

uint64_t TestSeed(const ProblemSpec& problem, const TestSpec& test, const std::string& secret) {
  if (test.seed) return *test.seed;
  return HiddenTestSeed(secret, problem.id, problem.version, test.name);
}

base::Status ValidateSource(const std::string& source) {
  if (source.find_first_not_of(" \t\r\n") == std::string::npos) {
    return base::Status::InvalidArgument("the submission is empty");
  }
  if (source.size() > kMaxSourceBytes) {
    return base::Status::InvalidArgument("the submission is " + std::to_string(source.size()) +
                                         " bytes; the limit is " + std::to_string(kMaxSourceBytes));
  }
  if (source.find('\0') != std::string::npos) {
    return base::Status::InvalidArgument("the submission contains a NUL byte at offset " +
                                         std::to_string(source.find('\0')));
  }
  if (!base::utf8::IsValid(source)) {
    return base::Status::InvalidArgument("the submission is not UTF-8 text");
  }
  return CheckSourcePolicy(source).WithContext("the submission");
}

GradeResult GradeSubmission(const ProblemSpec& problem, const std::string& source,
                            const GradeContext& context) {
  GradeResult result;
  result.max_score = problem.MaxScore();
  for (const TestSpec& test : problem.tests) {
    TestResult t;
    t.name = test.name;
    t.entry = test.entry;
    t.visibility = test.visibility;
    t.max_score = test.points;
    result.tests.push_back(t);
  }
  auto fail = [&](const std::string& why) {
    result.status = SubmissionStatus::kInternalError;
    result.internal_error = why;
    for (TestResult& t : result.tests) {
      t.verdict = Verdict::kInternalError;
      t.message = "not run: the grader failed (not your fault)";
    }
    return result;
  };
  const reference::ProblemCode* code = reference::FindProblemCode(problem.id);
  if (code == nullptr) return fail("no reference code is registered for " + problem.id);

  auto work_dir = WorkDir::Create(context.work_parent);
  if (!work_dir.ok()) return fail(work_dir.status().message());
  auto built = context.builder->Build(problem, source, work_dir->path());
  if (!built.ok()) return fail(built.status().message());
  // Compilers echo the learner's bytes (symbol names, source lines) and the log is cut at a byte
  // count: it is kept as valid UTF-8 with control characters other than newline and tab escaped.
  result.compile_output = base::utf8::EscapeForTerminal(built->compiler_output, /*multiline=*/true);
  if (!built->compiled) {
    result.status = SubmissionStatus::kCompileError;
    for (TestResult& t : result.tests) {
      t.verdict = Verdict::kCompileError;
      t.message = "the submission did not compile";
    }
    return result;
  }
  result.status = SubmissionStatus::kGraded;
  std::vector<TestEvidence> evidence(problem.tests.size());
  for (size_t i = 0; i < problem.tests.size(); ++i) {
    const EntrySpec* entry = problem.FindEntry(problem.tests[i].entry);
    if (entry != nullptr && entry->scoring) {
      RunScoredTest(problem, problem.tests[i], *entry, built->binary.string(), *code, context,
                    &result.tests[i]);
    } else {
      RunTest(problem, problem.tests[i], built->binary.string(), *code, context, &result.tests[i],
              &evidence[i]);
    }
    result.score += result.tests[i].score;
    if (result.tests[i].verdict == Verdict::kInternalError) {
      result.status = SubmissionStatus::kInternalError;
      result.internal_error = "test " + result.tests[i].name + ": " + result.tests[i].message;
    }
  }
  if (base::Status s = DiagnoseSubmission(problem, *code, evidence, &result); !s.ok()) {
    result.status = SubmissionStatus::kInternalError;
    result.internal_error = "diagnosis: " + s.message();
  }
  CheckGradients(problem, *code, built->binary.string(), context, evidence, &result);
  // Every message reaches terminals, JSON and XML: whatever part of it came from the program,
  // it leaves as valid UTF-8 without control characters (a no-op for the grader's own words).
  for (TestResult& t : result.tests) t.message = base::utf8::EscapeForTerminal(t.message);
  return result;
}

}  // namespace grader
