// Force-included first into every translation unit of a learner's program (learner code and
// harness alike). Eigen's dimension checks stay on and report through the harness, so a shape
// mismatch ends as a verdict naming the failed check instead of undefined behaviour.
#pragma once

#ifdef __cplusplus
extern "C" [[noreturn]] void grader_eigen_assert_failed(const char* expression, const char* file,
                                                        int line);
#define eigen_assert(x) \
  ((x) ? static_cast<void>(0) : grader_eigen_assert_failed(#x, __FILE__, __LINE__))
#endif
