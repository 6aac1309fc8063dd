// The one rule for a learner's name, wherever it comes from (`--learner`, `learner show`,
// `recommend`, a batch file or folder name): 1 to 128 bytes of valid UTF-8 without control
// characters (C0, DEL, C1) or bidirectional overrides, so that it can be stored, printed on a
// terminal and used in a report. Batch sanitises a file name's invalid UTF-8 (a Latin-1 folder
// name) before applying the rule, so such a learner is graded under the sanitised name.
#pragma once

#include <string>

#include "base/status.h"

namespace grader {

inline constexpr size_t kMaxLearnerNameBytes = 128;

// kInvalidArgument saying which part of the rule `name` breaks ("learner name must be ...").
base::Status ValidateLearnerName(const std::string& name);

// The name in Unicode Normalization Form C, so that "Zoë" typed (NFC) and "Zoë" from a macOS
// file name (NFD: e + combining diaeresis) are one learner. Every way a name enters (the CLI,
// batch file names, the service) goes through this before ValidateLearnerName. Text that is
// not valid UTF-8 is returned unchanged (ValidateLearnerName refuses it).
std::string NormalizeLearnerName(const std::string& name);

}  // namespace grader
