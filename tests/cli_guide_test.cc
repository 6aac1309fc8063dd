// A command line that guides (issue 11 item 6): help when run alone, --version, "did you mean"
// for a misspelt command or problem, and a batch that survives a closed pipe.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

TEST(CliGuideTest, SeveralFormatsFromOneGradeAreOneAttempt) {
  Grader g;
  testing_util::TempDir dir;
  const fs::path file = dir.path() / "relu.cpp";
  testing_util::WriteFile(
      file, testing_util::ReadFile(fs::path(GRADER_SOURCE_DIR) / "problems/relu/solution.cpp"));
  CommandResult r = g.Run({"grade", "--problem", "relu", "--learner", "ann", "--format",
                           "json,junit,gradescope", "--out", dir.path().string(), file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* name : {"result.json", "result.xml", "results.json"}) {
    EXPECT_FALSE(testing_util::ReadFile(dir.path() / name).empty()) << name;
  }
  r = g.Run({"learner", "show", "ann", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(nlohmann::json::parse(r.out)["submissions"], 1) << r.out;
  // Several formats without a folder would all go to one stream: refused before grading.
  r = g.Run({"grade", "--problem", "relu", "--format", "json,csv", file.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
}

TEST(CliGuideTest, TheFirstPreparationOfAProblemIsAnnounced) {
  testing_util::TempDir dir;
  const fs::path file = dir.path() / "relu.cpp";
  testing_util::WriteFile(
      file, testing_util::ReadFile(fs::path(GRADER_SOURCE_DIR) / "problems/relu/solution.cpp"));
  // A cache of its own, so that nothing is prepared yet.
  const std::vector<std::string> env = {"GRADER_CACHE=" + (dir.path() / "cache").string()};
  const std::vector<std::string> grade = {
      GRADER_BINARY, "--data-dir", (dir.path() / "data").string(), "grade", "--problem",
      "relu",        file.string()};
  CommandResult first = testing_util::RunCommand(grade, env);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("grader: preparing relu (once per problem"), std::string::npos)
      << first.err;
  CommandResult second = testing_util::RunCommand(grade, env);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.err.find("preparing"), std::string::npos) << second.err;
}

}  // namespace
