// Link errors a learner causes read as sentences (grader/link_errors.h), unit and end to end.
#include "grader/link_errors.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace {

TEST(LinkErrorsTest, LldDuplicateMainAndUndefinedFunction) {
  const std::string lld =
      "ld.lld: error: duplicate symbol: main\n"
      ">>> defined at submission.cpp\n"
      ">>>            /tmp/dlgrader-1/submission-d9e6b1.o:(main)\n"
      ">>> defined at eigen_io.cc\n"
      "ld.lld: error: undefined symbol: relu_backward(Eigen::Matrix<double, -1, -1, 0, -1, -1> "
      "const&, Eigen::Matrix<double, -1, -1, 0, -1, -1> const&)\n"
      ">>> referenced by harness_entry.cc\n"
      "clang: error: linker command failed with exit code 1 (use -v to see invocation)\n";
  const std::string explained = grader::ExplainLinkErrors(lld);
  EXPECT_NE(explained.find("Your file defines main()"), std::string::npos) << explained;
  EXPECT_NE(explained.find("does not define relu_backward()"), std::string::npos) << explained;
  EXPECT_EQ(explained.find("runtime.o"), std::string::npos);
  EXPECT_EQ(explained.find("/tmp/"), std::string::npos);
}

TEST(LinkErrorsTest, GnuLdForms) {
  const std::string ld =
      "/usr/bin/ld: submission.o: in function `main':\n"
      "submission.cpp:(.text+0x0): multiple definition of `main'; runtime.o:(.text+0x540): first "
      "defined here\n"
      "/usr/bin/ld: runtime.o: in function `run_test':\n"
      "harness_entry.cc:(.text+0x10): undefined reference to `linear_forward(Eigen::Matrix<double, "
      "-1, -1, 0, -1, -1> const&)'\n";
  const std::string explained = grader::ExplainLinkErrors(ld);
  EXPECT_NE(explained.find("Your file defines main()"), std::string::npos) << explained;
  EXPECT_NE(explained.find("does not define linear_forward()"), std::string::npos) << explained;
}

TEST(LinkErrorsTest, CompileErrorsAreLeftAlone) {
  EXPECT_EQ(grader::ExplainLinkErrors("submission.cpp:3:1: error: expected ';'\n"), "");
  // A learner's own helper named main_loop is not main.
  EXPECT_EQ(grader::ExplainLinkErrors("multiple definition of `main_loop'"), "");
}

TEST(LinkErrorsTest, GradeShowsTheSentenceForALearnersMain) {
  testing_util::Grader g;
  testing_util::TempDir dir;
  const auto file = dir.path() / "with_main.cpp";
  testing_util::WriteFile(file, testing_util::ReadFile(std::filesystem::path(GRADER_SOURCE_DIR) /
                                                       "problems/relu/solution.cpp") +
                                    "int main() { return 0; }\n");
  const testing_util::CommandResult r =
      g.Run({"grade", "--problem", "relu", "--json", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Your file defines main()"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("runtime.o"), std::string::npos) << r.out;
}

TEST(LinkErrorsTest, LibraryCodeOnlyTheLearnerUsesIsStillLinked) {
  // The learner's link drops unused code (--gc-sections, docs/compile-pipeline.md); what only
  // the learner calls (streams, maps, snprintf, strtod), and its static initialiser, must still
  // be linked from the static libraries and run.
  testing_util::Grader g;
  testing_util::TempDir dir;
  const auto file = dir.path() / "uses_libraries.cpp";
  testing_util::WriteFile(file, R"(#include <Eigen/Dense>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>

static std::map<std::string, double> zero = {{"zero", 0.0}};

static double Zero() {
  std::ostringstream text;
  text << zero.at("zero");
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%s", text.str().c_str());
  return std::strtod(buffer, nullptr);
}

Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z.cwiseMax(Zero()); }

Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {
  return (Z.array() > Zero()).select(dA.array(), 0.0).matrix();
}
)");
  const testing_util::CommandResult r =
      g.Run({"grade", "--problem", "relu", "--json", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"status\": \"graded\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"verdict\": \"runtime_error\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"verdict\": \"compile_error\""), std::string::npos) << r.out;
}

}  // namespace
