// Unit tests of batch grading's pure parts: identities from paths, source normalisation and the
// result cache key, and the output formats read back.
#include <gtest/gtest.h>

#include "grader/batch/outputs.h"
#include "grader/batch/sources.h"
#include "grader/cached_grade.h"
#include "test_util.h"
#include "zip_writer.h"

namespace {

using grader::batch::IdentifyPath;

struct PathCase {
  const char* path;
  const char* learner;  // "" when skipped
  const char* layout;
  bool late;
};

class IdentityTest : public ::testing::TestWithParam<PathCase> {};

TEST_P(IdentityTest, NamesTheLearnerOrSaysWhyNot) {
  const PathCase& c = GetParam();
  grader::batch::Identity id = IdentifyPath(c.path);
  if (std::string(c.learner).empty()) {
    EXPECT_FALSE(id.skip_reason.empty()) << c.path << " -> " << id.learner;
    return;
  }
  EXPECT_EQ(id.skip_reason, "") << c.path;
  EXPECT_EQ(id.learner, c.learner) << c.path;
  EXPECT_EQ(id.layout, c.layout) << c.path;
  EXPECT_EQ(id.late, c.late) << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    Layouts, IdentityTest,
    ::testing::Values(
        PathCase{"alice.cpp", "alice", "flat", false}, PathCase{"bob.cc", "bob", "flat", false},
        PathCase{"carol/solution.cpp", "carol", "folder", false},
        PathCase{"smithjohn_12345_67890_linear.cpp", "canvas:12345", "canvas", false},
        PathCase{"smithjohn_late_12345_67890_linear-1.cpp", "canvas:12345", "canvas", true},
        PathCase{"o_brien_LATE_7_8_a_b.cpp", "canvas:7", "canvas", true},
        PathCase{"Ann Lee_4242_assignsubmission_file_/x.cpp", "Ann Lee", "moodle", false},
        PathCase{"Ann Lee_4242_assignsubmission_file_x.cpp", "Ann Lee", "moodle", false},
        PathCase{"Ann Lee_4242_assignsubmission_onlinetext_/x.cpp", "", "", false},
        PathCase{"notes.txt", "", "", false}, PathCase{"a/b/c.cpp", "", "", false},
        PathCase{"__MACOSX/._alice.cpp", "", "", false}, PathCase{".hidden.cpp", "", "", false}));

grader::ProblemSpec TwoTests() {
  grader::ProblemSpec p;
  p.id = "toy";
  p.title = "Toy";
  p.version = 3;
  grader::TestSpec a, b;
  a.name = "visible, \"quoted\"";
  a.entry = "f";
  a.points = 1;
  b.name = "hidden_1";
  b.entry = "f";
  b.points = 2;
  b.visibility = grader::Visibility::kHidden;
  p.tests = {a, b};
  return p;
}

grader::batch::GradedEntry Entry(const std::string& learner, double first, double second) {
  grader::batch::GradedEntry e;
  e.learner = learner;
  e.submission_id = 7;
  e.result.status = grader::SubmissionStatus::kGraded;
  e.result.max_score = 3;
  grader::TestResult a, b;
  a.name = "visible, \"quoted\"";
  a.entry = "f";
  a.score = first;
  a.max_score = 1;
  a.verdict = first > 0 ? grader::Verdict::kPassed : grader::Verdict::kWrongAnswer;
  a.message = "x < y & \"z\"";
  b.name = "hidden_1";
  b.entry = "f";
  b.visibility = grader::Visibility::kHidden;
  b.score = second;
  b.max_score = 2;
  b.verdict = second > 0 ? grader::Verdict::kPassed : grader::Verdict::kRuntimeError;
  e.result.tests = {a, b};
  e.result.score = first + second;
  return e;
}

TEST(OutputsTest, CsvReadsBackWithQuotesAndFormulaGuard) {
  const std::string csv =
      grader::batch::CsvGradebook(TwoTests(), {Entry("Lee, Ann", 1, 2), Entry("=cmd()", 0, 0)});
  auto rows = testing_util::ReadCsv(csv);
  ASSERT_EQ(rows.size(), 3u) << csv;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"learner", "score", "max_score", "status", "late",
                                               "visible, \"quoted\"", "hidden_1", "feedback",
                                               "name", "lms_id"}));
  EXPECT_EQ(rows[1],
            (std::vector<std::string>{"Lee, Ann", "3", "3", "graded", "0", "1", "2", "", "", ""}));
  EXPECT_EQ(rows[2][0], "'=cmd()");
  EXPECT_EQ(rows[2][1], "0");
}

TEST(OutputsTest, GradescopeFieldsFollowTheSpec) {
  nlohmann::json r = grader::batch::GradescopeResults(TwoTests(), Entry("ann", 1, 0));
  EXPECT_EQ(r["score"], 1.0);
  ASSERT_EQ(r["tests"].size(), 2u);
  for (const auto& t : r["tests"]) {
    for (const char* field : {"name", "score", "max_score", "status", "output", "visibility"}) {
      EXPECT_TRUE(t.contains(field)) << field;
    }
    EXPECT_TRUE(t["status"] == "passed" || t["status"] == "failed");
  }
  EXPECT_EQ(r["tests"][0]["status"], "passed");
  EXPECT_EQ(r["tests"][0]["visibility"], "visible");
  EXPECT_EQ(r["tests"][1]["status"], "failed");
  EXPECT_EQ(r["tests"][1]["visibility"], "after_published");
}

// Two failing tests with one misconception and one with a pattern, and a score that summing
// made 0.30000000000000004.
grader::batch::GradedEntry Diagnosed() {
  grader::batch::GradedEntry e = Entry("ann", 0, 0);
  grader::Diagnosis transposed;
  transposed.kind = grader::Diagnosis::Kind::kMisconception;
  transposed.misconception = "dw_transposed";
  transposed.skills = {"matmul_backward"};
  transposed.explanation = "dW is computed as dY^T X instead of X^T dY.";
  e.result.tests[0].diagnosis = transposed;
  e.result.tests[1].diagnosis = transposed;
  e.result.tests[1].verdict = grader::Verdict::kWrongAnswer;
  grader::TestResult third = e.result.tests[0];
  third.name = "third";
  third.diagnosis = grader::Diagnosis{};
  third.diagnosis->pattern = "sign_flipped";
  third.diagnosis->detail = "Every value has the opposite sign.";
  e.result.tests.push_back(third);
  e.result.score = 0.1 + 0.2;
  return e;
}

size_t Count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

TEST(OutputsTest, DiagnosesReachEveryExportOncePerSubmission) {
  const std::string why = "dW is computed as dY^T X instead of X^T dY.";
  const nlohmann::json json = grader::batch::BatchJson(TwoTests(), {Diagnosed()}, {});
  const nlohmann::json& diagnoses = json["results"][0]["diagnoses"];
  ASSERT_EQ(diagnoses.size(), 2u) << json.dump(2);
  EXPECT_EQ(diagnoses[0]["id"], "dw_transposed");
  EXPECT_EQ(diagnoses[0]["explanation"], why);
  EXPECT_EQ(diagnoses[0]["tests"], nlohmann::json({"visible, \"quoted\"", "hidden_1"}));
  EXPECT_EQ(diagnoses[1]["kind"], "pattern");
  EXPECT_EQ(json["results"][0]["score"].dump(), "0.3");  // not 0.30000000000000004

  const auto rows = testing_util::ReadCsv(grader::batch::CsvGradebook(TwoTests(), {Diagnosed()}));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], "0.3");
  const std::string& feedback = rows[1].end()[-3];
  EXPECT_EQ(Count(feedback, why), 1u) << feedback;
  EXPECT_EQ(Count(feedback, "Every value has the opposite sign."), 1u);

  const std::string junit = grader::batch::JUnitXml(TwoTests(), {Diagnosed()});
  EXPECT_EQ(Count(junit, "dW is computed as dY^T X instead of X^T dY."), 1u) << junit;
  EXPECT_EQ(Count(junit, "Same cause as test &apos;visible, &quot;quoted&quot;&apos;"), 1u)
      << junit;

  const nlohmann::json gradescope = grader::batch::GradescopeResults(TwoTests(), Diagnosed());
  EXPECT_EQ(Count(gradescope["output"].get<std::string>(), why), 1u);
  EXPECT_EQ(Count(gradescope["tests"][0]["output"].get<std::string>(), why), 1u);
  EXPECT_EQ(Count(gradescope["tests"][1]["output"].get<std::string>(), why), 0u);
  EXPECT_EQ(gradescope["score"].dump(), "0.3");
}

TEST(OutputsTest, CompileOutputReachesJsonCsvAndGradescope) {
  grader::batch::GradedEntry e = Entry("bo", 0, 0);
  e.result.status = grader::SubmissionStatus::kCompileError;
  e.result.compile_output = "submission.cpp:3:1: error: expected ';'";
  EXPECT_EQ(grader::batch::BatchJson(TwoTests(), {e}, {})["results"][0]["compile_output"],
            e.result.compile_output);
  const auto rows = testing_util::ReadCsv(grader::batch::CsvGradebook(TwoTests(), {e}));
  EXPECT_NE(rows[1].end()[-3].find("expected ';'"), std::string::npos);
  const nlohmann::json gradescope = grader::batch::GradescopeResults(TwoTests(), e);
  EXPECT_NE(gradescope["output"].get<std::string>().find("expected ';'"), std::string::npos);
}

TEST(OutputsTest, SafeNamesStayInTheirFolder) {
  EXPECT_EQ(grader::batch::SafeName("../etc/passwd"), "_.._etc_passwd");
  EXPECT_EQ(grader::batch::SafeName("Ann Lee"), "Ann_Lee");
  // Non-ASCII names keep their letters (issue 11: "Zoë" became "Zo__").
  EXPECT_EQ(grader::batch::SafeName("Zo\xC3\xAB \xE6\x9D\x8E"), "Zo\xC3\xAB_\xE6\x9D\x8E");
  // Right-to-left override, a C1 control and invalid UTF-8 do not.
  EXPECT_EQ(grader::batch::SafeName("a\xE2\x80\xAE"
                                    "b\xC2\x9B\xFF"),
            "a_b__");
}

TEST(OutputsTest, GradescopeRefusalIsAValidZero) {
  const nlohmann::json r = grader::batch::GradescopeRefusal(TwoTests(), "ann", "not UTF-8");
  EXPECT_EQ(r["score"], 0.0);
  EXPECT_NE(r["output"].get<std::string>().find("not UTF-8"), std::string::npos);
  EXPECT_TRUE(r["tests"].is_array());
  EXPECT_EQ(r["extra_data"]["max_score"], 3.0);
}

// --- archive limits: names and sizes are bounded before anything grows with them --------------

TEST(IdentityTest, OverlongNameIsSkippedNotParsed) {
  // 26,000 characters overflowed the stack in std::regex's recursion.
  for (const std::string& name :
       {std::string(26000, 'a') + ".cpp", std::string(26000, '_') + "_1_2_x.cpp",
        "Ann" + std::string(26000, '_') + "_4242_assignsubmission_file_/x.cpp"}) {
    grader::batch::Identity id = IdentifyPath(name);
    EXPECT_NE(id.skip_reason.find("longer than 1024"), std::string::npos) << id.skip_reason;
  }
  // Just under the cap, the layouts still parse, runs of separators included.
  const std::string login = std::string(900, '_') + "x";
  grader::batch::Identity canvas = IdentifyPath(login + "_late_1_2_f.cpp");
  EXPECT_EQ(canvas.layout, "canvas");
  EXPECT_TRUE(canvas.late);
  EXPECT_EQ(canvas.skip_reason, "learner name must be 1 to 128 characters");
  grader::batch::Identity moodle = IdentifyPath(
      std::string(120, 'b') + "_1_assignsubmission_file_" + std::string(800, '_') + ".cpp");
  EXPECT_EQ(moodle.layout, "moodle");
  EXPECT_EQ(moodle.learner, std::string(120, 'b'));
  EXPECT_EQ(moodle.skip_reason, "");
}

class ZipLimitsTest : public ::testing::Test {
 protected:
  testing_util::TempDir dir_;
  std::filesystem::path zip_ = dir_.path() / "class.zip";
};

TEST_F(ZipLimitsTest, TotalUncompressedBytesAreBoundedAndTheEntryNamed) {
  std::vector<testing_util::ZipEntry> entries;
  for (int i = 0; i < 8; ++i) {
    entries.push_back({"learner" + std::to_string(i) + ".cpp", std::string(1000, ' ') + "int x;"});
  }
  ASSERT_TRUE(testing_util::WriteZip(zip_, entries));
  grader::batch::ArchiveLimits limits;
  limits.max_total_bytes = 5000;  // the fifth entry crosses it
  auto discovery = grader::batch::DiscoverSubmissions(zip_, limits);
  ASSERT_FALSE(discovery.ok());
  EXPECT_NE(discovery.status().message().find("class.zip: entry learner4.cpp"), std::string::npos)
      << discovery.status().message();
  EXPECT_NE(discovery.status().message().find("5000 bytes"), std::string::npos)
      << discovery.status().message();
  limits.max_total_bytes = 8 * 1006;
  auto fits = grader::batch::DiscoverSubmissions(zip_, limits);
  ASSERT_TRUE(fits.ok()) << fits.status().message();
  EXPECT_EQ(fits->submissions.size(), 8u);
}

TEST_F(ZipLimitsTest, EntryCountIsBounded) {
  ASSERT_TRUE(testing_util::WriteZip(
      zip_, {{"a.cpp", "int a;"}, {"b.cpp", "int b;"}, {"c.cpp", "int c;"}}));
  grader::batch::ArchiveLimits limits;
  limits.max_entries = 2;
  auto discovery = grader::batch::DiscoverSubmissions(zip_, limits);
  ASSERT_FALSE(discovery.ok());
  EXPECT_NE(discovery.status().message().find("more than 2 entries"), std::string::npos)
      << discovery.status().message();
}

TEST_F(ZipLimitsTest, OverlongEntryNameIsListedShortened) {
  const std::string long_name = std::string(26000, 'n') + ".cpp";
  ASSERT_TRUE(testing_util::WriteZip(zip_, {{long_name, "int x;"}, {"ok.cpp", "int y;"}}));
  auto discovery = grader::batch::DiscoverSubmissions(zip_);
  ASSERT_TRUE(discovery.ok()) << discovery.status().message();
  ASSERT_EQ(discovery->submissions.size(), 1u);
  EXPECT_EQ(discovery->submissions[0].learner, "ok");
  ASSERT_EQ(discovery->skipped.size(), 1u);
  EXPECT_LT(discovery->skipped[0].size(), 300u);
  EXPECT_NE(discovery->skipped[0].find("longer than 1024 characters"), std::string::npos)
      << discovery->skipped[0];
}

}  // namespace
