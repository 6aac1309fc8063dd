// reports/: similarity (tokenizer, winnowing, starter exclusion), escaping, and the report's
// tables over a small in-memory class (tests/report_browser_test.py checks a real one).
#include "reports/report.h"

#include <gtest/gtest.h>

#include "db/store.h"
#include "reports/escape.h"
#include "reports/export.h"
#include "reports/html.h"
#include "reports/similarity.h"

namespace reports {
namespace {

constexpr const char* kStarter = R"(#include <Eigen/Dense>
// TODO: implement
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {
  (void)Z;
  return {};
}
)";

constexpr const char* kLoop = R"(#include <Eigen/Dense>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {
  Eigen::MatrixXd A = Z;  // copy
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    for (Eigen::Index j = 0; j < A.cols(); ++j)
      if (A(i, j) < 0) A(i, j) = 0;
  return A;
}
)";

// kLoop with every name renamed, other literals, comments and layout.
constexpr const char* kLoopRenamed = R"(#include <Eigen/Dense>
/* mine */ Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& input) {
  Eigen::MatrixXd out = input;
  for (Eigen::Index r = 0; r < out.rows(); ++r) for (Eigen::Index c = 0; c < out.cols(); ++c)
      if (out(r, c) < 0.0) out(r, c) = 0.0;
  return out;
}
)";

constexpr const char* kUnrelated = R"(#include <Eigen/Dense>
#include <cmath>
double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {
  return Z.unaryExpr([](double v) { return sigmoid(v) > 0.5 ? v : 0.0; });
}
)";

TEST(SimilarityTest, TokensAbstractNamesAndLiterals) {
  EXPECT_EQ(Tokenize("int x = 42; // c\nfoo(\"s\", 'c', 1.5e-3);"),
            (std::vector<std::string>{"int", "I", "=", "L", ";", "I", "(", "L", ",", "L", ",", "L",
                                      ")", ";"}));
  EXPECT_EQ(NormaliseSource("int  x=1; /* a */\n// b\nreturn x;"), "int x=1;return x;");
}

TEST(SimilarityTest, RenamedCopyIsFullySimilarUnrelatedIsNot) {
  const auto loop = Fingerprints(Tokenize(kLoop));
  const auto starter = Fingerprints(Tokenize(kStarter));
  EXPECT_DOUBLE_EQ(Similarity(loop, Fingerprints(Tokenize(kLoopRenamed)), starter), 1.0);
  EXPECT_LT(Similarity(loop, Fingerprints(Tokenize(kUnrelated)), starter), 0.3);
}

TEST(SimilarityTest, ClustersIdenticalAndRenamedNeverStarterOnly) {
  const std::vector<SimilarityInput> inputs = {
      {"ann", kLoop},      {"bob", kLoopRenamed}, {"cat", std::string(kLoop) + "\n// x\n"},
      {"dan", kUnrelated}, {"eve", kStarter},     {"fay", std::string("// hi\n") + kStarter}};
  const auto clusters = FindClusters("relu", inputs, kStarter, 0.8);
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].learners, (std::vector<std::string>{"ann", "bob", "cat"}));
  ASSERT_EQ(clusters[0].pairs.size(), 3u);
  for (const SimilarityPair& p : clusters[0].pairs) {
    EXPECT_DOUBLE_EQ(p.similarity, 1.0);
    EXPECT_EQ(p.identical, p.a == "ann" && p.b == "cat") << p.a << " " << p.b;
  }
}

TEST(EscapeTest, HtmlCsvAndFileNames) {
  EXPECT_EQ(EscapeHtml("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(EscapeHtml("a\"b'c&"), "a&quot;b&#39;c&amp;");
  EXPECT_EQ(CsvCell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  for (const char* risky : {"+1", "-1", "@SUM(A1)", "\tx", "\rx"}) {
    const std::string cell = CsvCell(risky);
    EXPECT_EQ(cell[cell[0] == '"' ? 1 : 0], '\'') << risky;  // inside the quotes a CR needs
  }
  EXPECT_EQ(CsvCell("a,\"b\""), "\"a,\"\"b\"\"\"");
  EXPECT_EQ(CsvCell("plain"), "plain");
  const std::string name = LearnerFileName("../<script>/x y");
  EXPECT_EQ(name.find_first_of("/<> ."), name.rfind('.'));
  EXPECT_NE(LearnerFileName("a/b"), LearnerFileName("a.b"));
}

db::SubmissionRecord Submission(const std::string& learner, double score,
                                const std::string& hidden_message) {
  db::SubmissionRecord s;
  s.learner = learner;
  s.problem_id = "relu";
  s.problem_version = 1;
  s.source_hash = learner + std::to_string(score);
  s.source = kLoop;
  s.status = "graded";
  s.score = score;
  s.max_score = 2;
  db::TestResultRecord visible;
  visible.name = "forward_small";
  visible.entry = "forward";
  visible.visibility = "visible";
  visible.verdict = score >= 1 ? "passed" : "wrong_answer";
  visible.message = "visible detail";
  db::TestResultRecord hidden = visible;
  hidden.name = "hidden_forward";
  hidden.visibility = "hidden";
  hidden.verdict = score >= 2 ? "passed" : "wrong_answer";
  hidden.message = hidden_message;
  hidden.diagnosis = db::DiagnosisRecord{"", "scaled", {}, "off by 2.5 at (3, 4)"};
  s.tests = {visible, hidden};
  return s;
}

TEST(ReportTest, TablesOverASmallClassAndNoHiddenDataOnLearnerPages) {
  auto store = db::Store::Open(":memory:");
  ASSERT_TRUE(store.ok());
  for (double score : {0.0, 1.0, 1.0}) {  // stuck: three attempts, none full
    ASSERT_TRUE((*store)->RecordSubmission(Submission("<b>stuck</b>", score, "SECRET 7.25")).ok());
  }
  ASSERT_TRUE((*store)->RecordSubmission(Submission("ann", 1, "SECRET 7.25")).ok());
  ASSERT_TRUE((*store)->RecordSubmission(Submission("ann", 2, "")).ok());
  auto report = BuildReport(**store, {}, grader::SkillCatalog(), ReportOptions());
  ASSERT_TRUE(report.ok()) << report.status().message();
  ASSERT_EQ(report->problems.size(), 1u);
  const ProblemSummary& p = report->problems[0];
  EXPECT_EQ(p.submissions, 5);
  EXPECT_EQ(p.solved, 1);
  EXPECT_EQ(p.stuck, std::vector<std::string>{"<b>stuck</b>"});
  EXPECT_DOUBLE_EQ(p.median_attempts_to_full, 2);
  EXPECT_EQ(p.histogram[5], 1);  // the stuck learner's best: 1 / 2
  EXPECT_EQ(p.histogram[9], 1);
  ASSERT_EQ(p.tests.size(), 2u);
  EXPECT_EQ(p.tests[1].passed, 1);  // latest submissions: ann passed, the stuck one did not
  EXPECT_EQ(p.tests[1].total, 2);
  ASSERT_EQ(p.patterns.size(), 1u);
  EXPECT_EQ(p.patterns[0].submissions, 5);
  EXPECT_EQ(p.patterns[0].explanation, "");  // seen on hidden tests only: no detail

  for (const LearnerReport& learner : report->learner_reports) {
    const std::string page = LearnerHtml(*report, learner);
    EXPECT_EQ(page.find("SECRET"), std::string::npos);
    EXPECT_EQ(page.find("off by 2.5"), std::string::npos);
    EXPECT_EQ(page.find("<b>stuck"), std::string::npos);
    EXPECT_NE(page.find("default-src 'none'"), std::string::npos);
  }
  const std::string index = IndexHtml(*report);
  EXPECT_NE(index.find("&lt;b&gt;stuck&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(index.find("<b>stuck"), std::string::npos);
  EXPECT_EQ(ReportJson(*report).find("SECRET"), std::string::npos);
  for (const auto& [name, text] : ReportCsv(*report)) {
    EXPECT_EQ(text.find("SECRET"), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace reports
