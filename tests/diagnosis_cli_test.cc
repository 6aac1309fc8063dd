// End-to-end tests of diagnosis, mastery, recommendations and validation through build/grader.
// (Every mistakes/*.cpp being diagnosed by name is checked in cli_test.cc's OwnFilesTest, which
// grades each of them already.)
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing_util::CommandResult;
using testing_util::Grader;

const fs::path kProblems = fs::path(GRADER_SOURCE_DIR) / "problems";

CommandResult GradeAs(const Grader& g, const std::string& learner, const std::string& problem,
                      const std::string& file, bool json_output = true) {
  std::vector<std::string> args = {"grade", "--problem", problem, "--learner", learner};
  if (json_output) args.push_back("--json");
  args.push_back((kProblems / problem / file).string());
  CommandResult r = g.Run(args);
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  return r;
}

TEST(DiagnosisCliTest, TextOutputShowsDiagnosisAndHiddenTestsKeepTheirData) {
  Grader g;
  CommandResult r = GradeAs(g, "bo", "relu", "mistakes/mask_from_upstream.cpp", false);
  EXPECT_NE(
      r.out.find("diagnosis: mask_from_upstream [activation-derivative, chain-rule]: You took "
                 "the mask from the upstream gradient"),
      std::string::npos)
      << r.out;
  json result = json::parse(GradeAs(g, "bo", "relu", "mistakes/mask_from_upstream.cpp").out);
  for (const auto& t : result["tests"]) {
    if (t["verdict"] == "passed") {
      EXPECT_TRUE(t["diagnosis"].is_null()) << t.dump();
      continue;
    }
    EXPECT_EQ(t["diagnosis"]["misconception"], "mask_from_upstream") << t.dump();
    EXPECT_EQ(t["diagnosis"]["skills"], json({"activation-derivative", "chain-rule"}));
  }
}

TEST(DiagnosisCliTest, GenericPatternWhenNoMutantMatches) {
  testing_util::TempDir dir;
  const fs::path file = dir.path() / "negated.cpp";
  testing_util::WriteFile(file,
                          "#include <Eigen/Dense>\n"
                          "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {"
                          " return Z.cwiseMax(0.0); }\n"
                          "Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, "
                          "const Eigen::MatrixXd& dA) {"
                          " return -(Z.array() > 0).select(dA.array(), 0.0).matrix(); }\n");
  Grader g;
  CommandResult r = g.Run({"grade", "--problem", "relu", "--json", file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json result = json::parse(r.out);
  int diagnosed = 0;
  for (const auto& t : result["tests"]) {
    if (t["entry"] != "relu_backward") continue;
    EXPECT_EQ(t["diagnosis"]["pattern"], "scale_factor") << t.dump();
    EXPECT_NE(t["diagnosis"]["detail"].get<std::string>().find("sign is flipped"),
              std::string::npos);
    ++diagnosed;
  }
  EXPECT_EQ(diagnosed, 3);
}

// relu_backward is checked against the learner's own relu_forward (central differences).
TEST(DiagnosisCliTest, GradientCheckSeparatesBackwardFromForwardErrors) {
  struct Case {
    const char* forward;
    const char* backward;
    const char* pattern;
  };
  const Case cases[] = {
      // Right forward; a backward that leaks a third of the gradient for negative Z.
      {"return Z.cwiseMax(0.0);",
       "return (Z.array() > 0).select(dA.array(), dA.array() / 3.0).matrix();",
       "gradient_inconsistent"},
      // Leaky forward (slope 0.1), and the backward of that leaky forward: consistent with it.
      {"return (Z.array() > 0).select(Z.array(), 0.1 * Z.array()).matrix();",
       "return (Z.array() > 0).select(dA.array(), 0.1 * dA.array()).matrix();", "forward_wrong"},
  };
  for (const Case& c : cases) {
    testing_util::TempDir dir;
    const fs::path file = dir.path() / "s.cpp";
    testing_util::WriteFile(
        file, std::string("#include <Eigen/Dense>\n"
                          "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {") +
                  c.forward +
                  "}\nEigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, "
                  "const Eigen::MatrixXd& dA) {" +
                  c.backward + "}\n");
    Grader g;
    CommandResult r = g.Run({"grade", "--problem", "relu", "--json", file.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    json result = json::parse(r.out);
    int checked = 0;
    for (const auto& t : result["tests"]) {
      if (t["entry"] != "relu_backward") continue;
      EXPECT_EQ(t["diagnosis"]["pattern"], c.pattern) << t.dump();
      ++checked;
    }
    EXPECT_EQ(checked, 3) << c.pattern;
  }
}

// Grades `source` for `problem` and returns the diagnosis patterns of the failed tests of `entry`.
std::vector<std::string> PatternsOf(const std::string& problem, const std::string& entry,
                                    const std::string& source, json* result_out = nullptr) {
  testing_util::TempDir dir;
  const fs::path file = dir.path() / "s.cpp";
  testing_util::WriteFile(file, source);
  Grader g;
  CommandResult r = g.Run({"grade", "--problem", problem, "--json", file.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json result = json::parse(r.out);
  std::vector<std::string> patterns;
  for (const auto& t : result["tests"]) {
    if (t["entry"] != entry || t["verdict"] == "passed") continue;
    patterns.push_back(t["diagnosis"].is_null() ? "none" : t["diagnosis"].value("pattern", "?"));
  }
  if (result_out) *result_out = result;
  return patterns;
}

// sigmoid_backward without the (1 − σ) factor, with a right forward: no mutant models it, and it
// got no diagnosis before the gradient check covered sigmoid.
TEST(DiagnosisCliTest, GradientCheckCoversSigmoid) {
  const std::vector<std::string> patterns = PatternsOf(
      "sigmoid", "sigmoid_backward",
      "#include <Eigen/Dense>\n"
      "Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z) {"
      " return Z.unaryExpr([](double z) { return z >= 0 ? 1 / (1 + std::exp(-z))"
      " : std::exp(z) / (1 + std::exp(z)); }); }\n"
      "Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA) {"
      " return dA.cwiseProduct(sigmoid_forward(Z)); }\n");
  ASSERT_FALSE(patterns.empty());
  for (const std::string& p : patterns) EXPECT_EQ(p, "gradient_inconsistent");
}

// layernorm_backward: three gradients (dX, dgamma, dbeta; beta is not an input of the backward,
// so the check draws it). A sign slip in dX's last term, with a right forward.
TEST(DiagnosisCliTest, GradientCheckCoversLayerNormWithSeveralGradients) {
  const std::string forward =
      "#include <Eigen/Dense>\n#include <cmath>\n"
      "Eigen::MatrixXd layernorm_forward(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,"
      " const Eigen::VectorXd& beta, double eps) {"
      " Eigen::MatrixXd Y(X.rows(), X.cols());"
      " for (Eigen::Index i = 0; i < X.rows(); ++i) {"
      "  const Eigen::RowVectorXd c = X.row(i).array() - X.row(i).mean();"
      "  const Eigen::RowVectorXd xhat = c / std::sqrt(c.squaredNorm() / X.cols() + eps);"
      "  Y.row(i) = xhat.cwiseProduct(gamma.transpose()) + beta.transpose(); }"
      " return Y; }\n";
  const std::string backward =
      "LayerNormGrads layernorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,"
      " const Eigen::VectorXd& gamma, double eps) {"
      " const double d = static_cast<double>(X.cols());"
      " LayerNormGrads g; g.dX.resize(X.rows(), X.cols());"
      " g.dgamma = Eigen::VectorXd::Zero(X.cols()); g.dbeta = Eigen::VectorXd::Zero(X.cols());"
      " for (Eigen::Index i = 0; i < X.rows(); ++i) {"
      "  const Eigen::RowVectorXd c = X.row(i).array() - X.row(i).mean();"
      "  const double inv_std = 1.0 / std::sqrt(c.squaredNorm() / d + eps);"
      "  const Eigen::RowVectorXd xhat = c * inv_std;"
      "  g.dgamma += dY.row(i).cwiseProduct(xhat).transpose();"
      "  g.dbeta += dY.row(i).transpose();"
      "  const Eigen::RowVectorXd dxhat = dY.row(i).cwiseProduct(gamma.transpose());"
      "  g.dX.row(i) = inv_std / d * (d * dxhat.array() - dxhat.sum()"
      "                 + xhat.array() * dxhat.dot(xhat)).matrix(); }"
      " return g; }\n";
  const std::vector<std::string> patterns =
      PatternsOf("layernorm", "layernorm_backward", forward + backward);
  ASSERT_FALSE(patterns.empty());
  for (const std::string& p : patterns) EXPECT_EQ(p, "gradient_inconsistent");
}

// batchnorm_backward against batchnorm_train (whose beta, running statistics and momentum the
// backward does not take): the solution with a sign slip in dX's last term.
TEST(DiagnosisCliTest, GradientCheckCoversBatchNorm) {
  std::string source = testing_util::ReadFile(kProblems / "batchnorm" / "solution.cpp");
  const std::string right = "- xhat.array() * g.dgamma(j)";
  ASSERT_NE(source.find(right), std::string::npos);
  source.replace(source.find(right), right.size(), "+ xhat.array() * g.dgamma(j)");
  const std::vector<std::string> patterns = PatternsOf("batchnorm", "batchnorm_backward", source);
  ASSERT_FALSE(patterns.empty());
  for (const std::string& p : patterns) EXPECT_EQ(p, "gradient_inconsistent");
}

// Labels taken as 1-based (y(i) − 1): label 0 indexes −1. That is an index out of range, not a
// dimension mismatch.
TEST(DiagnosisCliTest, OneBasedLabelsAreAnIndexOutOfRange) {
  json result;
  const std::vector<std::string> patterns = PatternsOf(
      "softmax_cross_entropy", "softmax_cross_entropy",
      "#include <Eigen/Dense>\n#include <cmath>\n"
      "SoftmaxCEResult softmax_cross_entropy(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y) {"
      " SoftmaxCEResult r; r.loss = 0; r.dZ.resize(Z.rows(), Z.cols());"
      " for (Eigen::Index i = 0; i < Z.rows(); ++i) {"
      "  const Eigen::RowVectorXd s = Z.row(i).array() - Z.row(i).maxCoeff();"
      "  const double lse = std::log(s.array().exp().sum());"
      "  r.loss -= s(y(i) - 1) - lse;"
      "  r.dZ.row(i) = (s.array() - lse).exp().matrix(); r.dZ(i, y(i) - 1) -= 1; }"
      " r.loss /= Z.rows(); r.dZ /= static_cast<double>(Z.rows()); return r; }\n",
      &result);
  int index_errors = 0;
  for (const std::string& p : patterns) {
    EXPECT_NE(p, "dimension_mismatch") << result.dump(2);
    index_errors += p == "index_out_of_range";
  }
  EXPECT_GE(index_errors, 1) << result.dump(2);
  for (const auto& t : result["tests"]) {
    if (t["diagnosis"].is_object() && t["diagnosis"].value("pattern", "") == "index_out_of_range") {
      EXPECT_NE(t["message"].get<std::string>().find("index out of range"), std::string::npos)
          << t.dump();
    }
  }
}

TEST(DiagnosisCliTest, ThreeWrongThenRightGivesMasteryAndRecommendations) {
  Grader g;
  // linear_forward first, so that linear_backward is unlocked (docs/skills.md).
  GradeAs(g, "ada", "linear_forward", "solution.cpp");
  for (const char* f : {"mistakes/db_summed_over_features.cpp",
                        "mistakes/db_mean_instead_of_sum.cpp", "mistakes/dw_transposed.cpp"}) {
    json result = json::parse(GradeAs(g, "ada", "linear_backward", f).out);
    const std::string stem = fs::path(f).stem().string();
    EXPECT_EQ(result["tests"][0]["diagnosis"]["misconception"], stem);
  }
  // Before the correct one: a retry of linear_backward for the recent misconception.
  CommandResult before = g.Run({"recommend", "--learner", "ada", "--json"});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  json recs = json::parse(before.out)["recommendations"];
  ASSERT_GE(recs.size(), 1u);
  EXPECT_EQ(recs[0]["problem"], "linear_backward");
  EXPECT_EQ(recs[0]["kind"], "retry");
  EXPECT_NE(recs[0]["reason"].get<std::string>().find("you computed dW = dYᵀ X"), std::string::npos)
      << recs[0].dump();

  GradeAs(g, "ada", "linear_backward", "solution.cpp");
  CommandResult show = g.Run({"learner", "show", "ada", "--json"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  json learner = json::parse(show.out);
  EXPECT_EQ(learner["submissions"], 5);
  std::map<std::string, json> skills;
  for (const auto& s : learner["skills"]) skills[s["skill"]] = s;
  // reduction-axis: wrong once (db over the wrong axis), right once; not mastered yet.
  ASSERT_TRUE(skills.count("reduction-axis"));
  EXPECT_EQ(skills["reduction-axis"]["observations"], 2);
  EXPECT_EQ(skills["reduction-axis"]["correct"], 1);
  EXPECT_FALSE(skills["reduction-axis"]["mastered"].get<bool>());
  // matmul-shapes: right (forward), wrong (dW transposed), right (solution).
  EXPECT_EQ(skills["matmul-shapes"]["observations"], 3);
  EXPECT_EQ(skills["matmul-shapes"]["correct"], 2);
  EXPECT_EQ(skills["batch-averaging"]["correct"], 0);
  EXPECT_LT(skills["batch-averaging"]["p_mastery"].get<double>(),
            skills["reduction-axis"]["p_mastery"].get<double>());
  ASSERT_EQ(learner["recent_misconceptions"].size(), 3u);
  EXPECT_EQ(learner["recent_misconceptions"][0]["misconception"], "dw_transposed");

  CommandResult after = g.Run({"recommend", "--learner", "ada", "--json"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  recs = json::parse(after.out)["recommendations"];
  // Both linear problems are solved, so neither comes back; the first pick practises ada's
  // weakest skill (batch-averaging, wrong once and never right) and says so.
  ASSERT_GE(recs.size(), 1u);
  for (const auto& rec : recs) {
    EXPECT_NE(rec["problem"], "linear_forward");
    EXPECT_NE(rec["problem"], "linear_backward");
    EXPECT_EQ(rec["kind"], "next");
  }
  EXPECT_NE(recs[0]["reason"].get<std::string>().find("batch-averaging"), std::string::npos)
      << recs[0].dump();
  CommandResult text = g.Run({"learner", "show", "ada"});
  EXPECT_NE(text.out.find("you summed db over the wrong axis"), std::string::npos) << text.out;
}

TEST(DiagnosisCliTest, NewLearnerGetsEntryPointsAndUnknownLearnerShowFails) {
  Grader g;
  // Without --new, an unknown name is most likely a typo: exit 2, not an empty success.
  CommandResult unknown = g.Run({"recommend", "--learner", "newcomer", "--json"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("has no submissions"), std::string::npos) << unknown.err;
  EXPECT_TRUE(unknown.out.empty()) << unknown.out;
  CommandResult r = g.Run({"recommend", "--learner", "newcomer", "--new", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  json recs = json::parse(r.out)["recommendations"];
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0]["problem"], "linear_forward");
  EXPECT_EQ(recs[0]["kind"], "start");
  CommandResult show = g.Run({"learner", "show", "newcomer"});
  EXPECT_EQ(show.exit_code, 2);
  EXPECT_NE(show.err.find("has no submissions"), std::string::npos) << show.err;
}

TEST(ValidateCliTest, RejectsTheInadequateFixture) {
  Grader g;
  const fs::path fixtures = fs::path(GRADER_SOURCE_DIR) / "tests/fixtures/problems";
  CommandResult r = g.Run({"--problems", fixtures.string(), "problems", "validate"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  for (const char* expected :
       {"relu: FAILED", "prerequisites form a cycle: relu -> relu",
        "mutant 'derivative_one_at_zero' is not separated from the reference by any test of "
        "entry 'relu_backward'",
        "mistakes/sign_flipped.cpp: no mutant of 'relu' has the id 'sign_flipped'",
        "skill 'activation-forward' is not declared in skills.toml",
        "validated 1 problem: 0 ok, 1 failed"}) {
    EXPECT_NE(r.out.find(expected), std::string::npos) << expected << "\n" << r.out;
  }
  CommandResult unknown = g.Run({"problems", "validate", "no_such_problem"});
  EXPECT_EQ(unknown.exit_code, 2);
}

}  // namespace
