// The learner-facing C++ of a problem, generated from the functions, structs and entry patterns of
// its problem.toml (docs/problem-format.md, "Functions, structs and call patterns").
//
// Contract: the spec passed in is one LoadProblem/ParseProblem accepted (every param bound, every
// output produced); the generators then cannot fail. The three texts sit in one folder:
//   - ApiHeader: api.h, `#pragma once`, the includes its types need, the structs (defaults, field
//     comments) and one prototype per function with its doc comment, in declaration order;
//   - Starter: starter.cpp, every function with a `// TODO` body that compiles warning-free under
//     -Wall -Wextra -Werror (api.h is force-included, as when the grader compiles a submission);
//   - Adapter: adapter.h, `problems::<id>::Call<Impl>(entry, inputs)` and `struct Learner`,
//     including "harness/eigen_io.h" (from the repository root) and "api.h" (next to it). A
//     problem with an entry of pattern "custom" keeps its hand-written adapter: Adapter returns the
//     text of problem.dir/adapter.h ("" when it cannot be read).
#pragma once

#include <string>

#include "grader/problem_spec.h"

namespace grader {

std::string ApiHeader(const ProblemSpec& problem);
std::string Starter(const ProblemSpec& problem);
std::string Adapter(const ProblemSpec& problem);

// The prototypes of a C++ text (api.h or starter.cpp, generated or written by hand): every
// top-level declaration or definition of a function, reduced to "Ret name(params)" with whitespace
// normalised and comments removed, in order. Used to check that hand-written files agree with the
// generated ones.
std::vector<std::string> Prototypes(const std::string& cpp_text);

}  // namespace grader
