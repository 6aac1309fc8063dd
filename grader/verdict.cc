#include "grader/verdict.h"

namespace grader {

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPassed:
      return "passed";
    case Verdict::kPartial:
      return "partial";
    case Verdict::kWrongAnswer:
      return "wrong_answer";
    case Verdict::kShapeMismatch:
      return "shape_mismatch";
    case Verdict::kNonFinite:
      return "non_finite";
    case Verdict::kCompileError:
      return "compile_error";
    case Verdict::kTimeLimit:
      return "time_limit";
    case Verdict::kMemoryLimit:
      return "memory_limit";
    case Verdict::kOutputLimit:
      return "output_limit";
    case Verdict::kRuntimeError:
      return "runtime_error";
    case Verdict::kForbiddenSyscall:
      return "forbidden_syscall";
    case Verdict::kProtocolError:
      return "protocol_error";
    case Verdict::kInternalError:
      return "internal_error";
  }
  return "internal_error";
}

const char* VerdictTitle(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPassed:
      return "Passed";
    case Verdict::kPartial:
      return "Partial credit";
    case Verdict::kWrongAnswer:
      return "Wrong answer";
    case Verdict::kShapeMismatch:
      return "Shape mismatch";
    case Verdict::kNonFinite:
      return "Non-finite output";
    case Verdict::kCompileError:
      return "Compile error";
    case Verdict::kTimeLimit:
      return "Time limit";
    case Verdict::kMemoryLimit:
      return "Memory limit";
    case Verdict::kOutputLimit:
      return "Output limit";
    case Verdict::kRuntimeError:
      return "Runtime error";
    case Verdict::kForbiddenSyscall:
      return "Forbidden syscall";
    case Verdict::kProtocolError:
      return "Protocol error";
    case Verdict::kInternalError:
      return "Internal error";
  }
  return "Internal error";
}

}  // namespace grader
