// A command line that guides (issue 11 item 6): help when run alone, --version, "did you mean"
// for a misspelt command or problem, and a batch that survives a closed pipe.
#include <gtest/gtest.h>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using testing_util::CommandResult;
using testing_util::Grader;

TEST(CliGuideTest, AloneItListsTheCommands) {
  const CommandResult r = testing_util::RunCommand({GRADER_BINARY});
  EXPECT_EQ(r.exit_code, 2);
  for (const char* command : {"grade", "batch", "problems", "learner", "recommend"}) {
    EXPECT_NE(r.out.find(command), std::string::npos) << command << "\n" << r.out;
  }
}

TEST(CliGuideTest, VersionIsPrinted) {
  const CommandResult r = testing_util::RunCommand({GRADER_BINARY, "--version"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.starts_with("grader ")) << r.out;
}

TEST(CliGuideTest, MisspeltCommandAndProblemGetASuggestion) {
  Grader g;
  CommandResult r = g.Run({"grdae", "--problem", "relu", "x.cpp"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean \"grade\""), std::string::npos) << r.err;
  r = g.Run({"grade", "--problem", "linear_forwad", "x.cpp"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("did you mean \"linear_forward\""), std::string::npos) << r.err;
}

TEST(CliGuideTest, BatchWritesItsOutputsWhenStdoutAndStderrAreClosed) {
  Grader g;
  testing_util::TempDir dir;
  fs::create_directories(dir.path() / "class");
  testing_util::WriteFile(
      dir.path() / "class/ann.cpp",
      testing_util::ReadFile(fs::path(GRADER_SOURCE_DIR) / "problems/relu/solution.cpp"));
  const fs::path csv = dir.path() / "g.csv";
  // `| head -c 0` closes the pipe at once, as `| head` does after its lines.
  const std::string script = std::string("\"") + GRADER_BINARY + "\" --data-dir \"" +
                             g.data_dir().string() + "\" batch --problem relu --csv \"" +
                             csv.string() + "\" \"" + (dir.path() / "class").string() +
                             "\" 2>&1 | head -c 0; exit ${PIPESTATUS[0]}";
  const CommandResult r = testing_util::RunCommand({"/bin/bash", "-c", script});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(testing_util::ReadFile(csv).find("ann"), std::string::npos);
}

}  // namespace
