// The statements say what is graded (issue 10 item 7): conventions that differ from PyTorch's
// defaults are stated, and a safe formula is not called unsafe.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::string Statement(const std::string& problem) {
  std::ifstream in(std::filesystem::path(GRADER_SOURCE_DIR) / "problems" / problem /
                   "statement.md");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(StatementTest, LinearForwardSaysWIsTheTransposeOfPyTorchsWeight) {
  const std::string s = Statement("linear_forward");
  EXPECT_NE(s.find("D×M"), std::string::npos);
  EXPECT_NE(s.find("nn.Linear.weight"), std::string::npos);
  EXPECT_NE(s.find("transpose"), std::string::npos);
}

TEST(StatementTest, AdamWNamesTheGradedVariant) {
  const std::string s = Statement("adamw_step");
  EXPECT_NE(s.find("torch.optim.AdamW"), std::string::npos);
  EXPECT_NE(s.find("scaled by the learning rate"), std::string::npos);
}

TEST(StatementTest, SigmoidCallsOneOverOnePlusExpSafe) {
  const std::string s = Statement("sigmoid");
  EXPECT_NE(s.find("`1 / (1 + exp(−z))`, is safe"), std::string::npos);
  EXPECT_NE(s.find("`exp(z) / (1 + exp(z))` becomes `inf/inf = NaN`"), std::string::npos);
}

TEST(StatementTest, SoftmaxDoesNotClaimEigensExpUnderflowsToZero) {
  const std::string s = Statement("softmax");
  EXPECT_EQ(s.find("underflow to 0, and 0/0 = NaN"), std::string::npos);
  EXPECT_NE(s.find("709"), std::string::npos);
}

}  // namespace
