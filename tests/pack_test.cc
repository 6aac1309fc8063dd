// Problem packs kept outside this repository (docs/problem-packs.md): a course team's folder is
// graded with --problems DIR by the grader as built, which compiles the pack's trusted code
// itself; a broken pack is refused with a message naming the file and what is wrong.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_util::CommandResult;
using testing_util::Grader;
using testing_util::ReadFile;
using testing_util::TempDir;
using testing_util::WriteFile;

const fs::path kProblems = fs::path(GRADER_SOURCE_DIR) / "problems";
const fs::path kPackCache = fs::path(GRADER_TEST_CACHE_DIR) / "packs";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  return std::regex_replace(text, std::regex(from), to);
}

// A course's own problem: the shipped sigmoid pack under another id (and namespace), with a
// comment that makes its trusted code unlike any pack compiled before, so that the grader must
// compile it now.
class CoursePack : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = course_.path() / id_;
    fs::copy(kProblems / "sigmoid", dir_, fs::copy_options::recursive);
    // Alone in its course: no prerequisites among the shipped problems.
    std::string toml =
        Replace(ReadFile(dir_ / "problem.toml"), "id = \"sigmoid\"", "id = \"" + id_ + "\"");
    WriteFile(dir_ / "problem.toml", Replace(toml, "prerequisites = \\[[^\\]]*\\]\n", ""));
    for (const char* file : {"reference.cc"}) {
      WriteFile(dir_ / file,
                Replace(ReadFile(dir_ / file), "problems::sigmoid\\b", "problems::" + id_));
    }
    const auto nonce = std::chrono::steady_clock::now().time_since_epoch().count();
    WriteFile(dir_ / "reference.cc",
              ReadFile(dir_ / "reference.cc") + "// build " + std::to_string(nonce) + "\n");
  }
  void TearDown() override {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(kPackCache, ec)) {
      if (entry.path().filename().string().starts_with("pack-" + id_ + "-")) {
        fs::remove_all(entry.path(), ec);
      }
    }
  }

  CommandResult Grade(const fs::path& submission) const {
    return grader_.Run({"--problems", course_.path().string(), "grade", "--problem", id_, "--json",
                        submission.string()});
  }

  std::vector<fs::path> CompiledPacks() const {
    std::vector<fs::path> found;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(kPackCache, ec)) {
      if (entry.path().filename().string().starts_with("pack-" + id_ + "-")) {
        found.push_back(entry.path() / "pack.so");
      }
    }
    return found;
  }

  // One id per test: ctest runs the tests of this suite in parallel, over one pack cache.
  const std::string id_ =
      std::string("course_") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  TempDir course_;
  fs::path dir_;
  Grader grader_;
};

TEST_F(CoursePack, GradedFromItsOwnFolderWithoutRebuilding) {
  ASSERT_TRUE(CompiledPacks().empty());
  CommandResult right = Grade(dir_ / "solution.cpp");
  ASSERT_EQ(right.exit_code, 0) << right.err << right.out;
  const json r = json::parse(right.out);
  EXPECT_EQ(r["problem"], id_);
  EXPECT_GT(r["max_score"].get<double>(), 0);
  EXPECT_EQ(r["score"], r["max_score"]) << right.out;
  // The grader compiled the pack's trusted code into its cache.
  ASSERT_EQ(CompiledPacks().size(), 1u);
  EXPECT_TRUE(fs::exists(CompiledPacks()[0]));

  CommandResult wrong = Grade(dir_ / "mistakes/naive_exp_overflow.cpp");
  ASSERT_EQ(wrong.exit_code, 0) << wrong.err << wrong.out;
  const json w = json::parse(wrong.out);
  EXPECT_LT(w["score"].get<double>(), w["max_score"].get<double>());
  bool diagnosed = false;
  for (const json& t : w["tests"]) {
    if (t.contains("diagnosis") && t["diagnosis"].is_object() &&
        t["diagnosis"]["misconception"] == "naive_exp_overflow") {
      diagnosed = true;
      // The explanation comes from the pack's problem.toml.
      EXPECT_NE(t["diagnosis"].dump().find("exp(z) overflows"), std::string::npos) << t.dump();
    }
  }
  EXPECT_TRUE(diagnosed) << wrong.out;
}

TEST_F(CoursePack, TrustedCodeThatDoesNotCompileIsNamed) {
  WriteFile(dir_ / "reference.cc", ReadFile(dir_ / "reference.cc") + "\nthis is not C++;\n");
  CommandResult r = Grade(dir_ / "solution.cpp");
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.err.find((dir_ / "reference.cc").string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("does not compile"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("this is not C++"), std::string::npos)
      << "the compiler's message: " << r.err;
  EXPECT_TRUE(CompiledPacks().empty());
}

TEST_F(CoursePack, MutantWithoutCodeIsNamed) {
  WriteFile(dir_ / "problem.toml",
            Replace(ReadFile(dir_ / "problem.toml"), "\\[\\[tests\\]\\]\nname = \"forward_small\"",
                    "[[mutants]]\nid = \"ghost\"\nentry = \"sigmoid_forward\"\nskills = "
                    "[\"chain-rule\"]\nexplanation = \"You did something no code models.\"\n\n"
                    "[[tests]]\nname = \"forward_small\""));
  CommandResult r = Grade(dir_ / "solution.cpp");
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.err.find("problem.toml"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("mutant 'ghost' has no code"), std::string::npos) << r.err;
}

TEST_F(CoursePack, CodeWithoutMetadataIsNamed) {
  std::string toml = ReadFile(dir_ / "problem.toml");
  const std::string table = "[[mutants]]\nid = \"derivative_without_upstream\"";
  ASSERT_NE(toml.find(table), std::string::npos);
  toml.replace(toml.find(table), table.size(), "[[mutants]]\nid = \"renamed_in_toml\"");
  WriteFile(dir_ / "problem.toml", toml);
  CommandResult r = Grade(dir_ / "solution.cpp");
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.err.find("mutant 'renamed_in_toml' has no code"), std::string::npos) << r.err;
}

TEST_F(CoursePack, ListedWithTheCoursesProblems) {
  CommandResult r = grader_.Run({"--problems", course_.path().string(), "problems", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find(id_), std::string::npos) << r.out;
}

}  // namespace

// `problems new ID --pattern P` scaffolds a working pack from the example of the pattern.
TEST(ProblemsNew, ScaffoldIsAWorkingPackOfThePattern) {
  TempDir course;
  Grader grader;
  const std::string root = (course.path() / "problems").string();
  CommandResult made = grader.Run(
      {"--problems", root, "problems", "new", "course_momentum", "--pattern", "sequence"});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  const fs::path dir = course.path() / "problems/course_momentum";
  const std::string toml = ReadFile(dir / "problem.toml");
  EXPECT_NE(toml.find("id = \"course_momentum\""), std::string::npos);
  EXPECT_NE(toml.find("id = \"velocity_sign_flipped\""), std::string::npos)
      << "the mutants keep their ids";
  EXPECT_NE(ReadFile(dir / "reference.cc").find("namespace problems::course_momentum"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "api.h"));  // generated, never copied
  CommandResult graded = grader.Run({"--problems", root, "grade", "--problem", "course_momentum",
                                     "--json", (dir / "solution.cpp").string()});
  ASSERT_EQ(graded.exit_code, 0) << graded.err << graded.out;
  const json r = json::parse(graded.out);
  EXPECT_GT(r["max_score"].get<double>(), 0);
  EXPECT_EQ(r["score"], r["max_score"]) << graded.out;
}

TEST(ProblemsNew, RefusesAnUnknownPatternAndAnExistingFolder) {
  TempDir course;
  Grader grader;
  const std::string root = (course.path() / "problems").string();
  CommandResult bad = grader.Run({"--problems", root, "problems", "new", "x", "--pattern", "zip"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown pattern \"zip\""), std::string::npos) << bad.err;
  EXPECT_FALSE(fs::exists(course.path() / "problems/x"));
  ASSERT_EQ(grader.Run({"--problems", root, "problems", "new", "x"}).exit_code, 0);
  CommandResult again = grader.Run({"--problems", root, "problems", "new", "x"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("already exists"), std::string::npos) << again.err;
}
