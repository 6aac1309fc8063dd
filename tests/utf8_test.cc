// base/utf8: strict validation (RFC 3629), substitution of invalid subparts, cutting on a
// character boundary, and escaping for terminals.
#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

#include "grader/grade.h"

namespace {

using base::utf8::EscapeForTerminal;
using base::utf8::IsValid;
using base::utf8::Sanitise;
using base::utf8::TruncateAtBoundary;

const std::string kFffd = "\xEF\xBF\xBD";

struct ValidityCase {
  const char* what;
  std::string bytes;
  bool valid;
};

TEST(Utf8Test, ValidatesStrictly) {
  const ValidityCase cases[] = {
      {"empty", "", true},
      {"ascii", "relu(x)", true},
      {"two-byte", "caf\xC3\xA9", true},
      {"three-byte", "\xE2\x82\xAC", true},
      {"four-byte (U+1F600)", "\xF0\x9F\x98\x80", true},
      {"largest scalar U+10FFFF", "\xF4\x8F\xBF\xBF", true},
      {"U+FFFE is a scalar value", "\xEF\xBF\xBE", true},
      {"last before surrogates U+D7FF", "\xED\x9F\xBF", true},
      {"first after surrogates U+E000", "\xEE\x80\x80", true},
      {"overlong NUL (C0 80)", std::string("\xC0\x80", 2), false},
      {"overlong '/' (C1 AF)", "\xC1\xAF", false},
      {"overlong 3-byte (E0 80 AF)", "\xE0\x80\xAF", false},
      {"overlong 3-byte U+07FF (E0 9F BF)", "\xE0\x9F\xBF", false},
      {"overlong 4-byte (F0 80 80 AF)", "\xF0\x80\x80\xAF", false},
      {"overlong 4-byte U+FFFF (F0 8F BF BF)", "\xF0\x8F\xBF\xBF", false},
      {"high surrogate U+D800", "\xED\xA0\x80", false},
      {"low surrogate U+DFFF", "\xED\xBF\xBF", false},
      {"surrogate pair as CESU-8", "\xED\xA0\xBD\xED\xB8\x80", false},
      {"above U+10FFFF (F4 90 80 80)", "\xF4\x90\x80\x80", false},
      {"F5 lead byte", "\xF5\x80\x80\x80", false},
      {"FF byte", "\xFF", false},
      {"lone continuation byte", "a\x80z", false},
      {"truncated 2-byte at end", "caf\xC3", false},
      {"truncated 3-byte at end", "\xE2\x82", false},
      {"truncated 4-byte at end", "\xF0\x9F\x98", false},
      {"truncated sequence before ASCII",
       "\xE2\x82"
       "a",
       false},
      {"Latin-1 text", "caf\xE9", false},
  };
  for (const ValidityCase& c : cases) EXPECT_EQ(IsValid(c.bytes), c.valid) << c.what;
}

TEST(Utf8Test, SanitiseReplacesEachMaximalInvalidSubpartOnce) {
  EXPECT_EQ(Sanitise("caf\xC3\xA9"), "caf\xC3\xA9");
  EXPECT_EQ(Sanitise("caf\xE9!"), "caf" + kFffd + "!");
  // A truncated sequence is one subpart; the byte that broke it starts the next character.
  EXPECT_EQ(Sanitise("\xE2\x82"
                     "a"),
            kFffd + "a");
  EXPECT_EQ(Sanitise("\xF0\x9F\x98"), kFffd);
  // Overlong and surrogate forms: their lead byte cannot start them, so every byte is replaced.
  EXPECT_EQ(Sanitise(std::string("\xC0\x80", 2)), kFffd + kFffd);
  EXPECT_EQ(Sanitise("\xED\xA0\x80"), kFffd + kFffd + kFffd);
  EXPECT_EQ(Sanitise("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);
  for (const std::string bad : {"\xFF\xFE", "\xED\xBF\xBF", "x\xC3", "\xE0\x80\xAF\x80"}) {
    EXPECT_TRUE(IsValid(Sanitise(bad))) << bad;
  }
}

TEST(Utf8Test, TruncateNeverCutsACharacter) {
  const std::string text =
      "ab\xC3\xA9"
      "\xE2\x82\xAC"
      "\xF0\x9F\x98\x80";  // a b é € 😀
  // Every cut point from 0 to the full length yields a valid prefix of the text.
  for (size_t max = 0; max <= text.size() + 1; ++max) {
    const std::string_view cut = TruncateAtBoundary(text, max);
    EXPECT_LE(cut.size(), max);
    EXPECT_TRUE(IsValid(cut)) << max;
    EXPECT_EQ(text.compare(0, cut.size(), cut), 0);
  }
  EXPECT_EQ(TruncateAtBoundary(text, 3), "ab");                       // inside é
  EXPECT_EQ(TruncateAtBoundary(text, 4), "ab\xC3\xA9");               // just after é
  EXPECT_EQ(TruncateAtBoundary(text, 6), "ab\xC3\xA9");               // inside €
  EXPECT_EQ(TruncateAtBoundary(text, 10), "ab\xC3\xA9\xE2\x82\xAC");  // inside 😀
  // 300 bytes of 'é' cut at an odd byte count: 149 characters, never half of one.
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += "\xC3\xA9";
  EXPECT_EQ(TruncateAtBoundary(accents, 299).size(), 298u);
}

TEST(Utf8Test, TerminalEscapesControlsAndKeepsText) {
  EXPECT_EQ(EscapeForTerminal("\x1b]0;owned\x07"
                              "ALL TESTS PASSED"),
            "\\x1b]0;owned\\x07ALL TESTS PASSED");
  EXPECT_EQ(EscapeForTerminal("\x1b[2J"), "\\x1b[2J");
  EXPECT_EQ(EscapeForTerminal("a\rb\nc\td\x7f"), "a\\x0db\\x0ac\td\\x7f");
  EXPECT_EQ(EscapeForTerminal("a\nb", /*multiline=*/true), "a\nb");
  EXPECT_EQ(EscapeForTerminal("\xC2\x9B"
                              "2J"),
            "\\u009b2J");                                       // C1 CSI
  EXPECT_EQ(EscapeForTerminal("x\xE2\x80\xAEy"), "x\\u202ey");  // right-to-left override
  EXPECT_EQ(EscapeForTerminal("caf\xC3\xA9 \xE2\x82\xAC"), "caf\xC3\xA9 \xE2\x82\xAC");
  EXPECT_EQ(EscapeForTerminal("\x9b"
                              "2J"),
            kFffd + "2J");  // a raw C1 byte is not UTF-8
}

// Submissions are checked with the same strict rule: overlong forms and surrogates (which a
// lax check reading only the lead byte's length accepts) are refused before compiling.
TEST(Utf8Test, SubmissionsMustBeStrictUtf8) {
  const std::string code = "int f() { return 1; }\n";
  EXPECT_TRUE(grader::ValidateSource("// caf\xC3\xA9\n" + code).ok());
  for (const std::string bad :
       {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xE2\x82"}) {
    const base::Status status = grader::ValidateSource("// " + bad + "\n" + code);
    EXPECT_FALSE(status.ok()) << bad;
    EXPECT_NE(status.message().find("not UTF-8"), std::string::npos) << status.message();
  }
}

}  // namespace
