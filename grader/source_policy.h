// Source rules: what a submission may never contain, checked before the compiler sees it.
//
// The compiler's sandbox (sandbox/filesystem.h) is the barrier: it sees the toolchain and its
// work directory only. These rules come first and give a clear message for what is never
// legitimate in an exercise solution:
//   - #include / #include_next / #import / __has_include(_next) of an absolute path, of a path
//     containing "..", or of anything but a literal "..." or <...> (a computed include);
//   - inline assembly (asm, __asm, __asm__), and the assembler's .incbin / .include, which can
//     embed any file the compiler can read;
// after line splices (backslash-newline) are joined and comments removed, so neither can hide
// a directive. Each rule is documented in docs/security.md. Thread-safe (pure).
#pragma once

#include <string>

#include "base/status.h"

namespace grader {

// OK, or InvalidArgument naming the rule and the line ("line 3: #include of an absolute path
// (\"/etc/passwd\") is not allowed").
base::Status CheckSourcePolicy(const std::string& source);

}  // namespace grader
