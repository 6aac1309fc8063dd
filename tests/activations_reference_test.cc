// Reference self-checks of sigmoid, tanh and GELU: backward vs central differences of the
// forward, and hand-computed cases from the statements.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <string>

#include "grader/problem_spec.h"
#include "harness/eigen_io.h"
#include "reference/registry.h"
#include "tests/reference_check.h"

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;
using namespace reference_check;

struct Activation {
  std::function<MatrixXd(const MatrixXd&)> forward;
  std::function<MatrixXd(const MatrixXd&, const MatrixXd&)> backward;
};

// The reference of the element-wise activation pack `id` (<id>_forward: in -> out,
// <id>_backward: in, d<out> -> d<in>), called through its code, which loading the problem
// registers.
Activation PackActivation(const std::string& id, const std::string& in, const std::string& out) {
  auto problem = grader::LoadProblem(std::filesystem::path(GRADER_SOURCE_DIR) / "problems" / id);
  EXPECT_TRUE(problem.ok()) << problem.status().message();
  const reference::ProblemCode* code = reference::FindProblemCode(id);
  EXPECT_NE(code, nullptr) << id;
  if (code == nullptr) return {};
  const reference::EntryFn fn = code->reference;
  return {
      [=](const MatrixXd& x) {
        return reference::AsMatrix(fn(id + "_forward", {{in, reference::FromMatrix(x)}}), out);
      },
      [=](const MatrixXd& x, const MatrixXd& d) {
        return reference::AsMatrix(fn(id + "_backward", {{in, reference::FromMatrix(x)},
                                                         {"d" + out, reference::FromMatrix(d)}}),
                                   "d" + in);
      },
  };
}

const Activation& Sigmoid() {
  static const Activation sigmoid = PackActivation("sigmoid", "Z", "A");
  return sigmoid;
}

const Activation& Tanh() {
  static const Activation tanh = PackActivation("tanh", "Z", "A");
  return tanh;
}

const Activation& Gelu() {
  static const Activation gelu = PackActivation("gelu", "X", "Y");
  return gelu;
}

TEST(ActivationReference, BackwardsMatchCentralDifferences) {
  ExpectBackwardMatchesForward(Sigmoid().forward, Sigmoid().backward, 3.0);
  ExpectBackwardMatchesForward(Tanh().forward, Tanh().backward, 2.0);
  ExpectBackwardMatchesForward(Gelu().forward, Gelu().backward, 2.5);
}

TEST(ActivationReference, SigmoidHandCases) {
  MatrixXd Z(1, 4);
  Z << 0.0, std::log(3.0), -std::log(3.0), 800.0;
  MatrixXd A(1, 4);
  A << 0.5, 0.75, 0.25, 1.0;  // σ(ln 3) = 1/(1 + 1/3) = 3/4
  EXPECT_LT(RelError(Sigmoid().forward(Z), A), 1e-15);
  MatrixXd extreme(1, 2);
  extreme << -800.0, 1000.0;
  const MatrixXd s = Sigmoid().forward(extreme);
  EXPECT_LT(s(0, 0), 1e-300);  // e^{−800} underflows (to 0 or a subnormal), no NaN
  EXPECT_EQ(s(0, 1), 1.0);
  MatrixXd dA(1, 4);
  dA << 2.0, 1.0, 4.0, 1.0;
  MatrixXd dZ(1, 4);
  dZ << 2.0 * 0.25, 0.75 * 0.25, 4.0 * 0.25 * 0.75, 0.0;
  EXPECT_LT(RelError(Sigmoid().backward(Z, dA), dZ), 1e-15);
}

TEST(ActivationReference, TanhHandCases) {
  MatrixXd Z(1, 3);
  Z << 0.0, std::atanh(0.5), -900.0;
  MatrixXd A(1, 3);
  A << 0.0, 0.5, -1.0;
  EXPECT_LT(RelError(Tanh().forward(Z), A), 1e-15);
  MatrixXd dA(1, 3);
  dA << 3.0, 2.0, 1.0;
  MatrixXd dZ(1, 3);
  dZ << 3.0, 2.0 * 0.75, 0.0;  // 1 − 0.5² = 0.75
  EXPECT_LT(RelError(Tanh().backward(Z, dA), dZ), 1e-15);
}

TEST(ActivationReference, GeluHandCases) {
  // x = 1: u = √(2/π)·1.044715 = 0.833554..., tanh u = 0.682...; Y = ½(1 + tanh u).
  const double c = std::sqrt(2.0 / M_PI);
  const double t1 = std::tanh(c * 1.044715);
  MatrixXd X(1, 3);
  X << 0.0, 1.0, -1.0;
  MatrixXd Y(1, 3);
  Y << 0.0, 0.5 * (1 + t1), -0.5 * (1 - t1);
  EXPECT_LT(RelError(Gelu().forward(X), Y), 1e-15);
  EXPECT_NEAR(Gelu().forward(X)(0, 1), 0.841192, 1e-6);  // published value
  // GELU'(0) = ½.
  EXPECT_DOUBLE_EQ(Gelu().backward(MatrixXd::Zero(1, 1), MatrixXd::Ones(1, 1))(0, 0), 0.5);
}

}  // namespace
