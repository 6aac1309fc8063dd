#include "grader/learner_name.h"

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
  return base::Status::Ok();
}

}  // namespace grader
