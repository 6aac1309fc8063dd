// UTF-8 text that learners (and their compilers) produce, made safe to store, serialise and print.
//
// "Valid" is RFC 3629: no overlong encodings, no surrogates (U+D800..U+DFFF), nothing above
// U+10FFFF, no truncated sequences. Invalid input is never rejected by these functions: each
// maximal invalid subpart becomes one U+FFFD (the Unicode/WHATWG substitution rule), so the
// result is valid and as close to the input as possible. All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace base::utf8 {

inline constexpr char32_t kReplacement = 0xFFFD;

// Decodes the code point at `*pos` and advances `*pos` past it. On an invalid sequence, returns
// false, sets `*code_point` to U+FFFD and advances past the maximal invalid subpart (at least one
// byte). REQUIRES: *pos < text.size().
bool DecodeNext(std::string_view text, size_t* pos, char32_t* code_point);

// Appends the UTF-8 encoding of `code_point`. REQUIRES: a scalar value (not a surrogate, <=
// U+10FFFF).
void Append(char32_t code_point, std::string* out);

bool IsValid(std::string_view text);

// `text` with every invalid subpart replaced by U+FFFD.
std::string Sanitise(std::string_view text);

// The longest prefix of `text` of at most `max_bytes` bytes that does not end inside a
// character: cutting a message never creates an invalid sequence.
std::string_view TruncateAtBoundary(std::string_view text, size_t max_bytes);

// Text that a terminal shows as characters and never runs as a command: C0 controls (except
// tab, and newline when `multiline`), DEL, C1 controls and bidirectional overrides are written
// as visible escapes (\x1b, \u009b, \u202e); invalid UTF-8 becomes U+FFFD.
std::string EscapeForTerminal(std::string_view text, bool multiline = false);

}  // namespace base::utf8
