// The problem specification: problems/<id>/problem.toml, as documented in docs/problem-format.md.
// LoadProblem() validates the whole file where it enters and names the broken constraint
// ("problems/relu/problem.toml: tests[2].tolerance must be > 0"); nothing is defaulted silently
// except the documented defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/scoring.h"
#include "harness/tensor.h"

namespace grader {

// One entry of an input placed at a fixed position after the random draw, whatever the seed: the
// data a hidden test needs to tell a mistake apart for every deployment secret (a logit of 800).
struct ForcedEntry {
  int64_t row = 0;
  int64_t col = 0;  // 0 for vectors, labels and scalars
  double value = 0.0;
};

// How one input of an entry point is generated. Shapes are dimension names resolved per test.
struct InputSpec {
  std::string name;
  reference::TensorKind kind = reference::TensorKind::kMatrix;
  std::vector<std::string> shape;       // [] scalar, [n] vector or labels, [rows, cols] matrix
  std::string distribution = "normal";  // "normal" | "uniform" | "constant"
  double mean = 0.0;                    // normal
  double scale = 1.0;                   // normal: standard deviation
  double low = -1.0, high = 1.0;        // uniform
  double value = 0.0;                   // constant
  double zeros = 0.0;                   // fraction of entries set to exactly 0
  std::string classes;                  // labels: the dimension giving the number of classes
  std::vector<ForcedEntry> forced;      // applied last, over the drawn values and the zeros
};

// A backward entry's relation to its forward entry, for the numerical gradient check
// (grader/gradient_check.h): it returns the vector–Jacobian product of `forward`.
struct GradientOf {
  std::string forward;  // the forward entry, in the same problem
  std::map<std::string, std::string>
      upstream;  // forward output -> this entry's input holding dL/d(output)
  std::map<std::string, std::string>
      inputs;  // this entry's output -> the forward input it is dL/d of
};

// A learner function's parameter or a struct's field. `type` is one of kValueTypes or the name of
// a declared struct.
struct TypedName {
  std::string name;
  std::string type;
  std::string doc;            // fields only: the comment after the field
  std::string default_value;  // fields only: the C++ initialiser text ("0.0", "1e-3"), or ""
};

// One function the learner implements ([functions.<name>], in declaration order).
struct FunctionSpec {
  std::string name;
  std::string doc;      // the comment above the prototype; lines separated by '\n'; may be ""
  std::string returns;  // a value type or a declared struct
  std::vector<TypedName> params;
};

// A result, state or config struct of api.h ([structs.<name>], in declaration order).
struct StructSpec {
  std::string name;
  std::string doc;  // the comment above the struct, or ""
  std::vector<TypedName> fields;
};

// The value types of the schema: matrix, vector, labels, scalar, int, bool, matrix_list.
bool IsValueType(const std::string& type);
// The C++ type of a value type or a struct name ("matrix" -> "Eigen::MatrixXd").
std::string CppType(const std::string& type);

struct ProblemLimits {
  std::chrono::milliseconds cpu_time{2000};
  std::chrono::milliseconds wall_time{5000};
  int64_t memory_bytes = 256LL << 20;
};

// How the adapter turns an entry's named inputs into calls of its function and the results into
// named outputs (docs/problem-format.md, "Entries and call patterns").
struct EntrySpec {
  std::string name;
  std::string signature;  // shown to learners; derived from the entry's function
  std::vector<InputSpec> inputs;
  std::vector<std::string> outputs;  // names, in display order
  std::optional<GradientOf> gradient_of;
  std::string pattern;   // call | mode | sequence | sweep | list | custom
  std::string function;  // the learner function the entry calls
  // param -> the inputs filling its fields in declaration order (a struct) or its items (a list)
  std::map<std::string, std::vector<std::string>> pack;
  std::map<std::string, std::string> constants;  // mode: param -> C++ literal ("true")
  // output -> path in the result ("grads.W1"); default: the field of the output's name.
  // sequence: output stem ("m" of m_step1) -> path.
  std::map<std::string, std::string> from;
  // sequence
  int steps = 0;
  std::map<std::string, std::string> carry;  // param -> result path fed back ("" = the result)
  std::vector<std::string> per_step;         // params read from inputs <name>1 .. <name><steps>
  std::string zeros_like;                    // the param whose shape zero-initialised state takes
  // sweep
  std::string sweep;  // the int param taking 0 .. until + past
  std::string until;  // a path to an int ("schedule.total_steps")
  int past = 0;
  std::vector<std::string> require_less;  // [a, b]: paths; EntryError "a must be < b" otherwise
  // list
  std::string list;   // the matrix_list param; packed from pack[list], outputs by item name
  std::string items;  // the word in the size error ("gradients")
  // A training entry: each test is one training run scored by tiers of a metric, on data the
  // pack's trusted code makes (docs/problem-format.md, "Training problems: tier scoring").
  std::optional<ScoringSpec> scoring;
  std::optional<ProblemLimits> limits;  // [entries.<name>.limits]: replaces the problem's
};

enum class Visibility { kVisible, kHidden };
const char* VisibilityName(Visibility v);

struct TestSpec {
  std::string name;
  std::string entry;
  Visibility visibility = Visibility::kVisible;
  double points = 1.0;
  std::optional<uint64_t> seed;  // visible tests only; hidden tests derive theirs from the secret
  double tolerance = 1e-7;
  double floor = 1e-6;
  std::map<std::string, int64_t> dims;
  std::vector<InputSpec> inputs;  // the entry's inputs with this test's overrides applied
  std::vector<std::string> skills;
  ProblemLimits limits;  // per run of the program: the entry's own limits, else the problem's
};

// A known misconception of the problem ([[mutants]] in problem.toml). Its code, the reference
// with one function replaced, is in the problem's reference.cc under the same id.
struct MutantSpec {
  std::string id;                   // e.g. "dw_transposed"; mistakes/<id>.cpp is diagnosed as it
  std::string entry;                // the entry point it changes
  std::vector<std::string> skills;  // skill tags the misconception shows a gap in
  std::string explanation;          // learner-facing; first sentence starts with "You "
};

struct ProblemSpec {
  std::string id;
  std::string title;
  int64_t version = 1;
  std::vector<std::string> skills;
  std::vector<std::string> prerequisites;
  std::vector<FunctionSpec> functions;  // declaration order
  std::vector<StructSpec> structs;      // declaration order
  std::vector<EntrySpec> entries;
  std::vector<TestSpec> tests;
  std::vector<MutantSpec> mutants;
  ProblemLimits limits;
  std::filesystem::path dir;  // the problem's folder

  const EntrySpec* FindEntry(const std::string& name) const;
  const FunctionSpec* FindFunction(const std::string& name) const;
  const StructSpec* FindStruct(const std::string& name) const;
  double MaxScore() const;
  bool TierScored() const;  // some entry is scored by tiers (a training problem)
};

// The C++ declaration of `f` as one line: "Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z)".
std::string FunctionSignature(const FunctionSpec& f);

// Reads and validates problems/<id>/problem.toml from `dir`.
base::StatusOr<ProblemSpec> ReadProblem(const std::filesystem::path& dir);

// ReadProblem, then loads the problem's trusted code when its folder is a pack (compiling it on
// a cache miss: grader/pack_loader.h), so that reference::FindProblemCode finds it.
base::StatusOr<ProblemSpec> LoadProblem(const std::filesystem::path& dir);

// Parses problem.toml text; `source_name` is used in error messages.
base::StatusOr<ProblemSpec> ParseProblem(const std::string& toml_text,
                                         const std::string& source_name);

// Every problem folder under `root`, sorted by id. Fails on the first invalid problem.
// ReadAllProblems only reads; LoadAllProblems also loads every pack's code (as LoadProblem).
base::StatusOr<std::vector<ProblemSpec>> ReadAllProblems(const std::filesystem::path& root);
base::StatusOr<std::vector<ProblemSpec>> LoadAllProblems(const std::filesystem::path& root);

// Resolves a test input's shape to (rows, cols) using the test's dims.
struct ResolvedShape {
  int64_t rows = 1;
  int64_t cols = 1;
  int64_t classes = 0;  // labels: the number of classes
};
base::StatusOr<ResolvedShape> ResolveShape(const InputSpec& input, const TestSpec& test);

}  // namespace grader
