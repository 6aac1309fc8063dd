#include "grader/cli/exit_codes.h"

#include <iostream>

namespace grader::cli {

int ExitCodeFor(base::StatusCode code) {
  switch (code) {
    case base::StatusCode::kOk:
      return kExitOk;
    case base::StatusCode::kInvalidArgument:
    case base::StatusCode::kNotFound:
      return kExitInputError;
    case base::StatusCode::kUnavailable:
      return kExitBusy;
    case base::StatusCode::kInternal:
      return kExitInternalError;
  }
  return kExitInternalError;
}

int Fail(const base::Status& status) {
  std::cerr << "grader: "
            << (status.code() == base::StatusCode::kInternal ? "internal error: " : "")
            << status.message() << "\n";
  return ExitCodeFor(status.code());
}

int InputError(const std::string& message) { return Fail(base::Status::InvalidArgument(message)); }

int InternalError(const std::string& message) { return Fail(base::Status::Internal(message)); }

void Warn(const std::string& message) { std::cerr << "grader: warning: " << message << "\n"; }

}  // namespace grader::cli
