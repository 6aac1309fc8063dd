// Verdicts of one test, as documented in docs/verdicts.md. Names are the snake_case strings
// used in JSON and in the database.
#pragma once

namespace grader {

enum class Verdict {
  kPassed,
  kPartial,  // a tier-scored test reached a tier below the top: part of its points
  kWrongAnswer,
  kShapeMismatch,
  kNonFinite,
  kCompileError,
  kTimeLimit,
  kMemoryLimit,
  kOutputLimit,
  kRuntimeError,
  kForbiddenSyscall,
  kProtocolError,
  kInternalError,
};

const char* VerdictName(Verdict verdict);   // "passed", "wrong_answer", ...
const char* VerdictTitle(Verdict verdict);  // "Passed", "Wrong answer", ...

}  // namespace grader
