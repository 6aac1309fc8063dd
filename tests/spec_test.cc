#include <gtest/gtest.h>

#include "grader/problem_spec.h"

namespace grader {
namespace {

const std::string kGood = R"toml(
id = "p"
title = "A problem"
version = 2
skills = ["s1"]
prerequisites = ["q"]
[limits]
cpu_time_ms = 1000
wall_time_ms = 2000
memory_mb = 128
[functions.f]
returns = "matrix"
params = [{ name = "X", type = "matrix" }]
[entries.f]
pattern = "call"
function = "f"
outputs = ["Y"]
[entries.f.inputs]
X = { shape = ["N", "D"] }
[[tests]]
name = "v"
entry = "f"
visibility = "visible"
seed = 3
dims = { N = 4, D = 5 }
[[tests]]
name = "h"
entry = "f"
visibility = "hidden"
points = 2.5
tolerance = 1e-9
dims = { N = 6, D = 3 }
inputs = { X = { zeros = 0.5 } }
)toml";

TEST(SpecTest, ParsesEveryField) {
  auto p = ParseProblem(kGood, "p/problem.toml");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->id, "p");
  EXPECT_EQ(p->version, 2);
  EXPECT_EQ(p->prerequisites, std::vector<std::string>{"q"});
  EXPECT_EQ(p->limits.cpu_time.count(), 1000);
  EXPECT_EQ(p->limits.memory_bytes, 128LL << 20);
  ASSERT_EQ(p->tests.size(), 2u);
  EXPECT_EQ(*p->tests[0].seed, 3u);
  EXPECT_EQ(p->tests[1].visibility, Visibility::kHidden);
  EXPECT_FALSE(p->tests[1].seed.has_value());
  EXPECT_EQ(p->tests[1].points, 2.5);
  EXPECT_EQ(p->tests[1].tolerance, 1e-9);
  EXPECT_EQ(p->tests[1].inputs[0].zeros, 0.5);
  EXPECT_EQ(p->tests[0].inputs[0].zeros, 0.0);  // the override touched only test h
  EXPECT_EQ(p->tests[0].skills, std::vector<std::string>{"s1"});
  EXPECT_EQ(p->MaxScore(), 3.5);
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

struct BadCase {
  const char* name;
  std::string text;
  std::vector<std::string> expect;  // substrings of the error message
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class SpecErrorTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(SpecErrorTest, NamesFileKeyAndProblem) {
  auto p = ParseProblem(GetParam().text, "problems/p/problem.toml");
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("problems/p/problem.toml"), std::string::npos)
      << p.status().message();
  for (const std::string& e : GetParam().expect) {
    EXPECT_NE(p.status().message().find(e), std::string::npos) << p.status().message();
  }
}

INSTANTIATE_TEST_SUITE_P(
    Bad, SpecErrorTest,
    ::testing::Values(
        BadCase{"syntax", "id = \"p\"\ntitle = [", {"problem.toml:2"}},
        BadCase{"missing_id", Replace(kGood, "id = \"p\"", ""), {"id", "required"}},
        BadCase{"bad_tolerance",
                Replace(kGood, "tolerance = 1e-9", "tolerance = -1"),
                {"tests[1].tolerance", "> 0"}},
        BadCase{"unknown_entry",
                Replace(kGood, "entry = \"f\"\nvisibility = \"hidden\"",
                        "entry = \"g\"\nvisibility = \"hidden\""),
                {"tests[1].entry", "\"g\""}},
        BadCase{"bad_visibility",
                Replace(kGood, "\"hidden\"", "\"secret\""),
                {"tests[1].visibility", "secret"}},
        BadCase{"hidden_with_seed",
                Replace(kGood, "points = 2.5", "points = 2.5\nseed = 4"),
                {"tests[1].seed", "hidden"}},
        BadCase{"visible_without_seed",
                Replace(kGood, "seed = 3\n", ""),
                {"tests[0].seed", "required"}},
        BadCase{"equal_dims",
                Replace(kGood, "N = 4, D = 5", "N = 4, D = 4"),
                {"tests[0].dims", "distinct"}},
        BadCase{"small_dim",
                Replace(kGood, "N = 4, D = 5", "N = 2, D = 5"),
                {"tests[0].dims.N", ">= 3"}},
        BadCase{
            "undefined_dim", Replace(kGood, "N = 4, D = 5", "N = 4, K = 5"), {"tests[0]", "\"D\""}},
        BadCase{"unknown_key",
                Replace(kGood, "version = 2", "version = 2\ncolour = 1"),
                {"colour", "not a known key"}},
        BadCase{"bad_input_field",
                Replace(kGood, "zeros = 0.5", "zeros = 2"),
                {"tests[1].inputs.X.zeros", "[0, 1]"}},
        BadCase{"no_tests", kGood.substr(0, kGood.find("[[tests]]")), {"tests", "required"}},
        BadCase{"duplicate_test",
                Replace(kGood, "name = \"h\"", "name = \"v\""),
                {"tests[1].name", "\"v\""}},
        BadCase{
            "bad_limits", Replace(kGood, "memory_mb = 128", "memory_mb = 1"), {"limits.memory_mb"}},
        BadCase{"no_outputs",
                Replace(kGood, "outputs = [\"Y\"]", "outputs = []"),
                {"entries.f.outputs"}},
        // Every dimension, written however, is a name or an integer in 1..4096.
        BadCase{
            "overflowing_shape_string",
            Replace(kGood, "shape = [\"N\", \"D\"]", "shape = [\"99999999999999999999\", \"D\"]"),
            {"entries.f.inputs.X.shape[0]", "1..4096", "99999999999999999999"}},
        BadCase{"huge_shape_integer",
                Replace(kGood, "shape = [\"N\", \"D\"]", "shape = [1000000000, \"D\"]"),
                {"entries.f.inputs.X.shape[0]", "1..4096"}},
        BadCase{"zero_shape_string",
                Replace(kGood, "shape = [\"N\", \"D\"]", "shape = [\"0\", \"D\"]"),
                {"entries.f.inputs.X.shape[0]", "1..4096"}},
        BadCase{"zero_shape_integer",
                Replace(kGood, "shape = [\"N\", \"D\"]", "shape = [\"N\", 0]"),
                {"entries.f.inputs.X.shape[1]", "1..4096"}},
        BadCase{"signed_shape_string",
                Replace(kGood, "shape = [\"N\", \"D\"]", "shape = [\"N\", \"-3\"]"),
                {"entries.f.inputs.X.shape[1]", "1..4096"}},
        BadCase{"digits_then_letters",
                Replace(kGood, "shape = [\"N\", \"D\"]", "shape = [\"N\", \"3x\"]"),
                {"entries.f.inputs.X.shape[1]"}},
        BadCase{"override_shape_too_large",
                Replace(kGood, "inputs = { X = { zeros = 0.5 } }",
                        "inputs = { X = { shape = [4097, 3] } }"),
                {"tests[1].inputs.X.shape[0]", "1..4096"}},
        BadCase{"labels_classes_overflow",
                Replace(kGood, "X = { shape = [\"N\", \"D\"] }",
                        "X = { shape = [\"N\", \"D\"] }\ny = { shape = [\"N\"], kind = \"labels\", "
                        "classes = \"99999999999999999999\" }"),
                {"entries.f.inputs.y.classes", "1..4096"}},
        BadCase{"labels_classes_zero",
                Replace(kGood, "X = { shape = [\"N\", \"D\"] }",
                        "X = { shape = [\"N\", \"D\"] }\ny = { shape = [\"N\"], kind = \"labels\", "
                        "classes = 0 }"),
                {"entries.f.inputs.y.classes", "1..4096"}},
        // A literal class count with a forced label out of range: a message, not map::at.
        BadCase{"forced_label_outside_literal_classes",
                Replace(Replace(kGood, "X = { shape = [\"N\", \"D\"] }",
                                "X = { shape = [\"N\", \"D\"] }\ny = { shape = [\"N\"], kind = "
                                "\"labels\", classes = 2 }"),
                        "inputs = { X = { zeros = 0.5 } }",
                        "inputs = { y = { forced = [{ row = 0, col = 0, value = 2 }] } }"),
                {"tests[1].inputs.y.forced[0].value", "[0, 2)"}},
        BadCase{"huge_points",
                Replace(kGood, "points = 2.5", "points = 1e308"),
                {"tests[1].points", "<= 1000"}},
        BadCase{"infinite_points",
                Replace(kGood, "points = 2.5", "points = inf"),
                {"tests[1].points", "<= 1000"}}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(SpecTest, LiteralDimensionsAndClassesResolve) {
  // Literal shapes (as integers or digit strings) and a literal class count give the sizes the
  // generator uses; 4096 is the largest accepted.
  const std::string text = Replace(Replace(kGood, "X = { shape = [\"N\", \"D\"] }",
                                           "X = { shape = [4096, \"7\"] }\ny = { shape = [\"N\"], "
                                           "kind = \"labels\", classes = \"12\" }"),
                                   "dims = { N = 6, D = 3 }", "dims = { N = 6 }");
  auto p =
      ParseProblem(Replace(text, "dims = { N = 4, D = 5 }", "dims = { N = 4 }"), "p/problem.toml");
  ASSERT_TRUE(p.ok()) << p.status().message();
  const TestSpec& test = p->tests[0];
  auto x = ResolveShape(test.inputs[0], test);
  ASSERT_TRUE(x.ok()) << x.status().message();
  EXPECT_EQ(x->rows, 4096);
  EXPECT_EQ(x->cols, 7);
  auto y = ResolveShape(test.inputs[1], test);
  ASSERT_TRUE(y.ok()) << y.status().message();
  EXPECT_EQ(y->rows, 4);
  EXPECT_EQ(y->classes, 12);
}

TEST(SpecTest, ResolveShapeRefusesOutOfRangeLiterals) {
  // A spec built in code (not parsed) still cannot make ResolveShape throw or allocate 1e20.
  TestSpec test;
  InputSpec input;
  input.name = "X";
  input.kind = reference::TensorKind::kMatrix;
  for (const char* bad : {"99999999999999999999", "0", "4097", "12abc"}) {
    input.shape = {bad, "3"};
    auto shape = ResolveShape(input, test);
    ASSERT_FALSE(shape.ok()) << bad;
    EXPECT_NE(shape.status().message().find("1..4096"), std::string::npos)
        << shape.status().message();
  }
}

}  // namespace
}  // namespace grader
