// Exit codes and stderr markers of the harness. They are hints, not proof: learner code can
// exit with any code and print anything, so the grader uses them only to word a verdict that
// is already a failure (no valid response frame), never to award points.
#pragma once

namespace grader::harness {
inline constexpr int kExitBadRequest = 80;
inline constexpr int kExitException = 81;
inline constexpr int kExitOutOfMemory = 82;
inline constexpr int kExitEigenAssert = 83;
}  // namespace grader::harness

#define GRADER_EIGEN_ASSERT_MARKER "grader-harness: Eigen assertion failed: "
#define GRADER_EXCEPTION_MARKER "grader-harness: uncaught exception: "
#define GRADER_OUT_OF_MEMORY_MARKER "grader-harness: out of memory (std::bad_alloc)"
