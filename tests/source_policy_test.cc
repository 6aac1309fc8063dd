// The pre-compile source rules (grader/source_policy.h), table-driven.
#include "grader/source_policy.h"

#include <gtest/gtest.h>

namespace {

struct SourceCase {
  const char* name;
  const char* source;
  const char* rejection;  // "" when allowed; else a substring of the message
};

void PrintTo(const SourceCase& c, std::ostream* os) { *os << c.name; }

class SourcePolicyTest : public ::testing::TestWithParam<SourceCase> {};

TEST_P(SourcePolicyTest, AllowsOrRejectsWithAClearMessage) {
  const base::Status status = grader::CheckSourcePolicy(GetParam().source);
  if (*GetParam().rejection == '\0') {
    EXPECT_TRUE(status.ok()) << status.message();
  } else {
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.message().find(GetParam().rejection), std::string::npos) << status.message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SourcePolicyTest,
    ::testing::Values(
        SourceCase{"system_header", "#include <Eigen/Dense>\n#include <vector>\nint x;", ""},
        SourceCase{"local_header", "#include \"api.h\"\n", ""},
        SourceCase{"has_include_ok",
                   "#if __has_include(<cmath>)\n#endif\n#ifdef __has_include\n#endif", ""},
        SourceCase{"url_in_comment", "// see http://example.com/a/../b\nint x;", ""},
        SourceCase{"absolute", "int a;\n#include \"/etc/passwd\"\n",
                   "line 2: #include of an absolute path"},
        SourceCase{"absolute_angle", "#include </dev/urandom>\n",
                   "absolute path (\"/dev/urandom\")"},
        SourceCase{"dotdot", "#include \"../../data/secret.key\"\n", "containing \"..\""},
        SourceCase{"spaced_hash", "  #   include \"/x\"\n", "absolute path"},
        SourceCase{"comment_between", "#/**/include \"/x\"\n", "absolute path"},
        SourceCase{"spliced", "#inc\\\nlude \"/x\"\n", "line 1: #include of an absolute path"},
        SourceCase{"digraph", "%:include \"/x\"\n", "absolute path"},
        SourceCase{"include_next", "#include_next </etc/shadow>\n", "#include_next"},
        SourceCase{"computed", "#define P \"/etc/passwd\"\n#include P\n",
                   "line 2: a computed #include"},
        SourceCase{"has_include_abs", "#if __has_include(\"/srv/data/grader.db\")\n#endif\n",
                   "__has_include of an absolute path"},
        SourceCase{"has_include_computed", "#define P <x>\n#if __has_include(P)\n#endif\n",
                   "a computed __has_include"},
        SourceCase{"asm_incbin", "asm(\".incbin \\\"/etc/hostname\\\"\");\n",
                   "inline assembly (asm)"},
        SourceCase{"gnu_asm", "void f() { __asm__ volatile(\"nop\"); }\n",
                   "inline assembly (__asm__)"},
        SourceCase{"incbin_in_string", "const char* s = \".incbin x\";\n", ".incbin"}),
    [](const ::testing::TestParamInfo<SourceCase>& param_info) {
      return std::string(param_info.param.name);
    });

}  // namespace
