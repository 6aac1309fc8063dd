// The process exit codes of build/grader (docs/cli.md) and the one place where an error
// becomes one: every command reports an error through Fail().
#pragma once

#include <string>

#include "base/status.h"

namespace grader::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitValidationFailed = 1;  // `problems validate` found a failing problem
inline constexpr int kExitInputError = 2;        // usage, input or data directory: nothing done
inline constexpr int kExitInternalError = 3;     // the grader itself failed
inline constexpr int kExitBusy = 4;              // another process is grading the same batch
inline constexpr int kExitInterrupted = 130;     // `batch` stopped by a signal

int ExitCodeFor(base::StatusCode code);

// Prints "grader: <message>" ("grader: internal error: <message>" for kInternal) on stderr
// and returns ExitCodeFor(status.code()). REQUIRES: !status.ok().
int Fail(const base::Status& status);
int InputError(const std::string& message);     // Fail(kInvalidArgument)
int InternalError(const std::string& message);  // Fail(kInternal)

// Prints "grader: warning: <message>" on stderr.
void Warn(const std::string& message);

}  // namespace grader::cli
