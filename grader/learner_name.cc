#include "grader/learner_name.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "base/utf8.h"

namespace grader {

base::Status ValidateLearnerName(const std::string& name) {
  if (name.empty() || name.size() > kMaxLearnerNameBytes) {
    return base::Status::InvalidArgument("learner name must be 1 to " +
                                         std::to_string(kMaxLearnerNameBytes) + " characters");
  }
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return base::Status::InvalidArgument("learner name contains a control character");
    }
  }
  if (!base::utf8::IsValid(name)) {
    return base::Status::InvalidArgument("learner name is not valid UTF-8");
  }
  // C1 controls and bidirectional overrides: the terminal-safe form differs from the name.
  if (base::utf8::EscapeForTerminal(name) != name) {
    return base::Status::InvalidArgument("learner name contains a control character");
  }
  return base::Status::Ok();
}

std::string NormalizeLearnerName(const std::string& name) {
  if (!base::utf8::IsValid(name)) return name;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return name;
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(name);
  if (nfc->isNormalized(text, status) && U_SUCCESS(status)) return name;
  status = U_ZERO_ERROR;
  const icu::UnicodeString normal = nfc->normalize(text, status);
  if (U_FAILURE(status)) return name;
  std::string out;
  normal.toUTF8String(out);
  return out;
}

}  // namespace grader
