// grader/glue.h: the signatures, api.h, starter.cpp and adapter.h derived from problem.toml's
// functions, structs and entry patterns; and the schema's errors.
#include "grader/glue.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "grader/problem_spec.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = GRADER_SOURCE_DIR;
const fs::path kProblems = kSource / "problems";
const char* kCxx = "/usr/bin/clang++";
const char* kEigen = "/usr/include/eigen3";

// Every entry's signature string as problem.toml spelled it before the signatures were derived
// (git show d37cd68:problems/<id>/problem.toml): the derived strings must not change what the
// CLI prints.
const std::map<std::pair<std::string, std::string>, std::string> kTodaysSignatures = {
    {{"train_char_lm", "next_char"},
     "Eigen::MatrixXd predict_next_char(const Eigen::VectorXi& train_text, const Eigen::MatrixXd& "
     "contexts, int vocab)"},
    {{"train_classifier", "classify"},
     "Eigen::VectorXd train_and_predict(const Eigen::MatrixXd& X_train, const Eigen::VectorXi& "
     "y_train, const Eigen::MatrixXd& X_test, int classes, int seed)"},
    {{"adam_step", "adam_sequence"},
     "AdamStepResult adam_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, const "
     "AdamState& state, const AdamConfig& config)"},
    {{"adamw_step", "adamw_sequence"},
     "AdamWStepResult adamw_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, const "
     "AdamWState& state, const AdamWConfig& config)"},
    {{"attention", "attention_forward"},
     "Eigen::MatrixXd attention_forward(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& K, const "
     "Eigen::MatrixXd& V, bool causal)"},
    {{"attention", "attention_forward_causal"},
     "Eigen::MatrixXd attention_forward(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& K, const "
     "Eigen::MatrixXd& V, bool causal)"},
    {{"attention", "attention_backward"},
     "AttentionGrads attention_backward(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& K, const "
     "Eigen::MatrixXd& V, const Eigen::MatrixXd& dO, bool causal)"},
    {{"attention", "attention_backward_causal"},
     "AttentionGrads attention_backward(const Eigen::MatrixXd& Q, const Eigen::MatrixXd& K, const "
     "Eigen::MatrixXd& V, const Eigen::MatrixXd& dO, bool causal)"},
    {{"batchnorm", "batchnorm_train"},
     "BatchNormTrainResult batchnorm_train(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma, "
     "const Eigen::VectorXd& beta, const Eigen::VectorXd& running_mean, const Eigen::VectorXd& "
     "running_var, double momentum, double eps)"},
    {{"batchnorm", "batchnorm_eval"},
     "Eigen::MatrixXd batchnorm_eval(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma, const "
     "Eigen::VectorXd& beta, const Eigen::VectorXd& running_mean, const Eigen::VectorXd& "
     "running_var, double eps)"},
    {{"batchnorm", "batchnorm_backward"},
     "BatchNormGrads batchnorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X, const "
     "Eigen::VectorXd& gamma, double eps)"},
    {{"bce_with_logits", "bce_with_logits"},
     "BceResult bce_with_logits(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& Y)"},
    {{"clip_grad_norm", "clip_grad_norm"},
     "ClipResult clip_grad_norm(const std::vector<Eigen::MatrixXd>& grads, double max_norm)"},
    {{"dropout", "dropout_train"},
     "Eigen::MatrixXd dropout_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U, double "
     "p, bool train)"},
    {{"dropout", "dropout_eval"},
     "Eigen::MatrixXd dropout_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& U, double "
     "p, bool train)"},
    {{"dropout", "dropout_backward"},
     "Eigen::MatrixXd dropout_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& U, double "
     "p)"},
    {{"gelu", "gelu_forward"}, "Eigen::MatrixXd gelu_forward(const Eigen::MatrixXd& X)"},
    {{"embedding", "embedding_forward"},
     "Eigen::MatrixXd embedding_forward(const Eigen::MatrixXd& W, const Eigen::VectorXi& ids)"},
    {{"embedding", "embedding_backward"},
     "Eigen::MatrixXd embedding_backward(const Eigen::MatrixXd& W, const Eigen::VectorXi& ids, "
     "const Eigen::MatrixXd& dE)"},
    {{"gelu", "gelu_backward"},
     "Eigen::MatrixXd gelu_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY)"},
    {{"l2_regularization", "l2_regularization"},
     "RegularizedLoss l2_regularization(const TwoLayerParams& params, const TwoLayerParams& grads, "
     "double data_loss, double lambda)"},
    {{"layernorm", "layernorm_forward"},
     "Eigen::MatrixXd layernorm_forward(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma, "
     "const Eigen::VectorXd& beta, double eps)"},
    {{"layernorm", "layernorm_backward"},
     "LayerNormGrads layernorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X, const "
     "Eigen::VectorXd& gamma, double eps)"},
    {{"linear_backward", "linear_backward"},
     "LinearGrads linear_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W, const "
     "Eigen::MatrixXd& dY)"},
    {{"linear_forward", "linear_forward"},
     "Eigen::MatrixXd linear_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& W, const "
     "Eigen::VectorXd& b)"},
    {{"lr_schedule", "lr_schedule"}, "double lr_at(int step, const LrSchedule& schedule)"},
    {{"masked_token_loss", "masked_token_loss"},
     "MaskedTokenLossResult masked_token_loss(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y, "
     "const Eigen::VectorXd& mask)"},
    {{"maxpool2d", "maxpool2d_forward"},
     "Eigen::MatrixXd maxpool2d_forward(const Eigen::MatrixXd& X, int C, int H, int W, int k, int "
     "stride)"},
    {{"maxpool2d", "maxpool2d_backward"},
     "Eigen::MatrixXd maxpool2d_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY, int "
     "C, int H, int W, int k, int stride)"},
    {{"maxpool2d", "maxpool2d_backward_ties"},
     "Eigen::MatrixXd maxpool2d_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& dY, int "
     "C, int H, int W, int k, int stride)"},
    {{"momentum_step", "momentum_sequence"},
     "MomentumStepResult momentum_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, const "
     "MomentumState& state, double lr, double mu)"},
    {{"mse_loss", "mse_loss"},
     "MseResult mse_loss(const Eigen::MatrixXd& Yhat, const Eigen::MatrixXd& Y)"},
    {{"multihead_attention", "multihead_attention_forward"},
     "Eigen::MatrixXd multihead_attention_forward(const Eigen::MatrixXd& X, const MhaWeights& w, "
     "int heads, bool causal)"},
    {{"multihead_attention", "multihead_attention_forward_causal"},
     "Eigen::MatrixXd multihead_attention_forward(const Eigen::MatrixXd& X, const MhaWeights& w, "
     "int heads, bool causal)"},
    {{"multihead_attention", "multihead_attention_backward"},
     "MhaGrads multihead_attention_backward(const Eigen::MatrixXd& X, const MhaWeights& w, const "
     "Eigen::MatrixXd& dY, int heads, bool causal)"},
    {{"multihead_attention", "multihead_attention_backward_causal"},
     "MhaGrads multihead_attention_backward(const Eigen::MatrixXd& X, const MhaWeights& w, const "
     "Eigen::MatrixXd& dY, int heads, bool causal)"},
    {{"relu", "relu_forward"}, "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z)"},
    {{"relu", "relu_backward"},
     "Eigen::MatrixXd relu_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA)"},
    {{"rmsprop_step", "rmsprop_sequence"},
     "RmspropStepResult rmsprop_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, const "
     "RmspropState& state, const RmspropConfig& config)"},
    {{"sgd_step", "sgd_sequence"},
     "Eigen::MatrixXd sgd_step(const Eigen::MatrixXd& w, const Eigen::MatrixXd& g, double lr)"},
    {{"sigmoid", "sigmoid_forward"}, "Eigen::MatrixXd sigmoid_forward(const Eigen::MatrixXd& Z)"},
    {{"sigmoid", "sigmoid_backward"},
     "Eigen::MatrixXd sigmoid_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA)"},
    {{"softmax", "softmax"}, "Eigen::MatrixXd softmax(const Eigen::MatrixXd& Z)"},
    {{"softmax_cross_entropy", "softmax_cross_entropy"},
     "SoftmaxCEResult softmax_cross_entropy(const Eigen::MatrixXd& Z, const Eigen::VectorXi& y)"},
    {{"tanh", "tanh_forward"}, "Eigen::MatrixXd tanh_forward(const Eigen::MatrixXd& Z)"},
    {{"tanh", "tanh_backward"},
     "Eigen::MatrixXd tanh_backward(const Eigen::MatrixXd& Z, const Eigen::MatrixXd& dA)"},
    // Curriculum II (issue 14).
    {{"mlp2", "mlp2_forward"},
     "Mlp2Result mlp2_loss_and_grads(const Eigen::MatrixXd& X, const Eigen::VectorXi& y, const "
     "Eigen::MatrixXd& W1, const Eigen::VectorXd& b1, const Eigen::MatrixXd& W2, const "
     "Eigen::VectorXd& b2)"},
    {{"mlp2", "mlp2_backward"},
     "Mlp2Result mlp2_loss_and_grads(const Eigen::MatrixXd& X, const Eigen::VectorXi& y, const "
     "Eigen::MatrixXd& W1, const Eigen::VectorXd& b1, const Eigen::MatrixXd& W2, const "
     "Eigen::VectorXd& b2)"},
    {{"numerical_gradient", "numerical_gradient"},
     "Eigen::MatrixXd numerical_gradient(const std::function<double(const Eigen::MatrixXd&)>& "
     "f, const Eigen::MatrixXd& x, double h)"},
    {{"numerical_gradient", "relative_error"},
     "double relative_error(const Eigen::MatrixXd& analytic, const Eigen::MatrixXd& numeric)"},
    {{"rope", "rope_forward"}, "Eigen::MatrixXd rope_forward(const Eigen::MatrixXd& X)"},
    {{"rope", "rope_backward"}, "Eigen::MatrixXd rope_backward(const Eigen::MatrixXd& dY)"},
    {{"conv2d", "conv2d_forward"},
     "Eigen::MatrixXd conv2d_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& K, const "
     "Eigen::VectorXd& b, int C, int H, int W, int kh, int kw, int stride, int pad)"},
    {{"conv2d", "conv2d_forward_padded"},
     "Eigen::MatrixXd conv2d_forward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& K, const "
     "Eigen::VectorXd& b, int C, int H, int W, int kh, int kw, int stride, int pad)"},
    {{"conv2d", "conv2d_backward"},
     "Conv2dGrads conv2d_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& K, const "
     "Eigen::MatrixXd& dY, int C, int H, int W, int kh, int kw, int stride, int pad)"},
    {{"conv2d", "conv2d_backward_padded"},
     "Conv2dGrads conv2d_backward(const Eigen::MatrixXd& X, const Eigen::MatrixXd& K, const "
     "Eigen::MatrixXd& dY, int C, int H, int W, int kh, int kw, int stride, int pad)"},
    {{"transformer_block", "transformer_block_forward"},
     "Eigen::MatrixXd transformer_block_forward(const Eigen::MatrixXd& X, const "
     "TransformerBlockParams& p, int heads)"},
};

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteFile(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// Runs a shell command; returns its exit status and its combined output.
std::pair<int, std::string> RunCommand(const std::string& command) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  return {pclose(pipe), output};
}

std::vector<std::string> ProblemIds() {
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(kProblems)) {
    if (fs::exists(entry.path() / "problem.toml")) ids.push_back(entry.path().filename().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(GlueTest, DerivedSignaturesEqualTodaysStrings) {
  auto problems = LoadAllProblems(kProblems);
  ASSERT_TRUE(problems.ok()) << problems.status().message();
  size_t entries = 0;
  for (const ProblemSpec& p : *problems) {
    for (const EntrySpec& e : p.entries) {
      auto it = kTodaysSignatures.find({p.id, e.name});
      ASSERT_NE(it, kTodaysSignatures.end()) << p.id << " " << e.name;
      EXPECT_EQ(e.signature, it->second) << p.id << " " << e.name;
      ++entries;
    }
  }
  EXPECT_EQ(problems->size(), 33u);
  EXPECT_EQ(entries, kTodaysSignatures.size());
}

class GlueProblemTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto p = LoadProblem(kProblems / GetParam());
    ASSERT_TRUE(p.ok()) << p.status().message();
    problem_ = *p;
    dir_ =
        fs::temp_directory_path() / ("glue_test_" + GetParam() + "_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    WriteFile(dir_ / "api.h", ApiHeader(problem_));
    WriteFile(dir_ / "starter.cpp", Starter(problem_));
    WriteFile(dir_ / "adapter.h", Adapter(problem_));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // clang++ -fsyntax-only with the generated api.h force-included, as the grader compiles a
  // submission.
  void ExpectCompiles(const fs::path& file, const std::string& extra = "") {
    const std::string command = std::string(kCxx) + " -std=c++20 -fsyntax-only -isystem " + kEigen +
                                " -I" + dir_.string() + " -include " + (dir_ / "api.h").string() +
                                " " + extra + " " + file.string();
    auto [status, output] = RunCommand(command);
    EXPECT_EQ(status, 0) << file << "\n" << output << "\n--- api.h:\n" << ReadFile(dir_ / "api.h");
  }
  ProblemSpec problem_;
  fs::path dir_;
};

TEST_P(GlueProblemTest, SolutionAndMistakesCompileAgainstGeneratedApi) {
  ExpectCompiles(problem_.dir / "solution.cpp");
  for (const char* folder : {"mistakes", "alternatives"}) {
    if (!fs::exists(problem_.dir / folder)) continue;
    for (const auto& f : fs::directory_iterator(problem_.dir / folder)) {
      if (f.path().extension() == ".cpp") ExpectCompiles(f.path());
    }
  }
}

TEST_P(GlueProblemTest, GeneratedStarterCompilesWithoutWarnings) {
  ExpectCompiles(dir_ / "starter.cpp", "-Wall -Wextra -Werror");
}

// The adapter's template is instantiated with its Learner, so that every entry's code is checked.
TEST_P(GlueProblemTest, GeneratedAdapterCompiles) {
  const std::string ns = "problems::" + problem_.id;
  WriteFile(dir_ / "instantiate.cc",
            "#include \"adapter.h\"\n"
            "template reference::Tensors " +
                ns + "::Call<" + ns + "::Learner>(std::string_view, const reference::Tensors&);\n");
  const std::string command = std::string(kCxx) + " -std=c++20 -fsyntax-only -Wall -Wextra " +
                              "-Werror -isystem " + kEigen + " -I" + dir_.string() + " -I" +
                              kSource.string() + " " + (dir_ / "instantiate.cc").string();
  auto [status, output] = RunCommand(command);
  EXPECT_EQ(status, 0) << output << "\n--- adapter.h:\n" << ReadFile(dir_ / "adapter.h");
}

// api.h and the starter are generated (a folder holds neither): the starter defines exactly the
// functions api.h declares, one per [functions] table.
TEST_P(GlueProblemTest, StarterDefinesTheDeclaredFunctions) {
  const std::vector<std::string> api = Prototypes(ApiHeader(problem_));
  EXPECT_EQ(api.size(), problem_.functions.size());
  EXPECT_EQ(Prototypes(Starter(problem_)), api);
  EXPECT_FALSE(fs::exists(problem_.dir / "api.h"));
  // Only a problem with a custom entry keeps a hand-written adapter.h (numerical_gradient).
  const bool custom = std::any_of(problem_.entries.begin(), problem_.entries.end(),
                                  [](const EntrySpec& e) { return e.pattern == "custom"; });
  EXPECT_EQ(fs::exists(problem_.dir / "adapter.h"), custom);
}

INSTANTIATE_TEST_SUITE_P(Problems, GlueProblemTest, testing::ValuesIn(ProblemIds()),
                         [](const testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

TEST(GlueTest, PrototypesNormaliseWhitespaceAndSkipBodies) {
  const std::string text =
      "// f: doc\n#pragma once\n#include <Eigen/Dense>\nstruct S {\n  int t = 0;  // x\n};\n"
      "Eigen::MatrixXd f(const Eigen::MatrixXd& X,\n                  double lr);\n"
      "double g( int step ) {\n  if (step) { return 1; }\n  return {};\n}\n";
  EXPECT_EQ(Prototypes(text),
            (std::vector<std::string>{"Eigen::MatrixXd f(const Eigen::MatrixXd& X, double lr)",
                                      "double g(int step)"}));
}

// --- schema errors: every message names the file and the key ------------------------------------

const std::string kBase = R"toml(
id = "p"
title = "t"
version = 1
skills = ["s"]
[structs.Grads]
fields = [{ name = "dX", type = "matrix" }, { name = "n", type = "int", default = "0" }]
[functions.f]
returns = "Grads"
params = [{ name = "X", type = "matrix" }, { name = "lr", type = "scalar" }]
[entries.e]
pattern = "call"
function = "f"
outputs = ["dX"]
[entries.e.inputs]
X = { shape = ["N", "D"] }
lr = { shape = [], dist = "constant", value = 0.5 }
[[tests]]
name = "v"
entry = "e"
visibility = "visible"
seed = 1
dims = { N = 4, D = 5 }
)toml";

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::string ErrorOf(const std::string& toml) {
  auto p = ParseProblem(toml, "p/problem.toml");
  return p.ok() ? "(accepted)" : std::string(p.status().message());
}

TEST(GlueSchemaTest, BaseIsAccepted) {
  auto p = ParseProblem(kBase, "p/problem.toml");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->entries[0].signature, "Grads f(const Eigen::MatrixXd& X, double lr)");
  EXPECT_EQ(p->entries[0].pattern, "call");
}

TEST(GlueSchemaTest, Errors) {
  struct Case {
    std::string from, to, message;
  };
  const std::vector<Case> cases = {
      {"type = \"scalar\" }]", "type = \"float\" }]",
       "p/problem.toml: functions.f.params[1].type \"float\" is not a value type or declared "
       "struct"},
      {"{ name = \"n\", type = \"int\"", "{ name = \"n\", type = \"Grads\"",
       "p/problem.toml: structs.Grads.fields[1].type \"Grads\" is not a value type or a struct "
       "declared above"},
      {"returns = \"Grads\"", "returns = \"Tensor\"",
       "p/problem.toml: functions.f.returns \"Tensor\" is not a value type or declared struct"},
      {"lr = { shape = [], dist", "rate = { shape = [], dist",
       "p/problem.toml: entries.e param \"lr\" of f has no input of that name"},
      {"outputs = [\"dX\"]", "outputs = [\"dX\", \"dW\"]",
       "p/problem.toml: entries.e.outputs \"dW\" is not produced: Grads has no field \"dW\""},
      {"pattern = \"call\"", "pattern = \"loop\"", "p/problem.toml: entries.e.pattern must be"},
      {"{ name = \"lr\", type", "{ name = \"X\", type",
       "p/problem.toml: functions.f.params[1].name \"X\" is declared twice"},
      {"[functions.f]", "[structs.f]\nfields = [{ name = \"a\", type = \"int\" }]\n[functions.f]",
       "p/problem.toml: functions.f is also the name of a struct"},
      {"function = \"f\"", "function = \"g\"",
       "p/problem.toml: entries.e.function names no declared function: \"g\""},
      {"function = \"f\"", "function = \"f\"\nsteps = 3",
       "p/problem.toml: entries.e.steps is not a known key of pattern \"call\""},
      {"pattern = \"call\"", "pattern = \"mode\"",
       "p/problem.toml: entries.e.constants is required by pattern \"mode\""},
      {"function = \"f\"", "function = \"f\"\nfrom = { dX = \"grads.dX\" }",
       "p/problem.toml: entries.e.outputs \"dX\" is not produced"},
      {"function = \"f\"", "function = \"f\"\npack = { lr = [\"X\"] }",
       "p/problem.toml: entries.e.pack.lr packs a param of type scalar"},
      {"pattern = \"call\"\nfunction = \"f\"",
       "pattern = \"sequence\"\nfunction = \"f\"\ncarry = { X = \"dX\" }",
       "p/problem.toml: entries.e.steps is required"},
      {"{ name = \"n\", type = \"int\", default = \"0\" }",
       "{ name = \"n\", type = \"int\", default = \"0; }\" }",
       "p/problem.toml: structs.Grads.fields[1].default must be a plain C++ initialiser"},
      {"function = \"f\"\n", "", "p/problem.toml: entries.e.function is required"},
  };
  for (const Case& c : cases) {
    const std::string error = ErrorOf(Replace(kBase, c.from, c.to));
    EXPECT_EQ(error.rfind(c.message, 0), 0u) << "from " << c.from << "\n got: " << error;
  }
}

}  // namespace
}  // namespace grader
