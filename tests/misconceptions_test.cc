#include "grader/misconceptions.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "grader/problem_spec.h"

namespace grader {
namespace {

std::vector<ProblemMisconceptions> OneProblem(std::string explanation) {
  return {{"relu", "ReLU", {{"forward_abs", "relu_forward", {"activation-forward"}, explanation}}}};
}

TEST(MisconceptionCatalogueTest, MarkdownRowHasAStableAnchorAndEscapesCells) {
  const std::string md = RenderCatalogueMarkdown(OneProblem("You used |Z|.\nUse max(0, Z)."));
  EXPECT_NE(md.find("<a id=\"relu-forward_abs\"></a>`forward_abs`"), std::string::npos) << md;
  // A raw '|' or newline would end the table row early.
  EXPECT_NE(md.find("You used \\|Z\\|. Use max(0, Z). |"), std::string::npos) << md;
  EXPECT_NE(md.find("1 misconceptions over 1 problems"), std::string::npos) << md;
}

TEST(MisconceptionCatalogueTest, TextListsEveryMisconceptionUnderItsProblem) {
  const std::string text = RenderCatalogueText(OneProblem("You used |Z|."));
  EXPECT_EQ(text,
            "relu (ReLU)\n"
            "  forward_abs [relu_forward; activation-forward]\n"
            "      You used |Z|.\n");
}

TEST(MisconceptionCatalogueTest, BuildsFromTheRegisteredMutants) {
  // relu is a pack: loading the problem registers its code.
  auto loaded = LoadProblem(std::filesystem::path(GRADER_SOURCE_DIR) / "problems/relu");
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  ProblemSpec relu;
  relu.id = "relu";
  relu.title = "ReLU";
  auto catalogue = BuildCatalogue({relu});
  ASSERT_TRUE(catalogue.ok()) << catalogue.status().message();
  ASSERT_EQ(catalogue->size(), 1u);
  EXPECT_GE((*catalogue)[0].misconceptions.size(), 3u);
  ProblemSpec unknown;
  unknown.id = "no_such_problem";
  EXPECT_FALSE(BuildCatalogue({unknown}).ok());
}

}  // namespace
}  // namespace grader
