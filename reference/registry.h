// The registry of trusted code: for each problem id, the function that evaluates the reference
// implementation on named inputs, and its mutants (one per known misconception).
//
// Evaluate() runs an entry on inputs and never throws: an adapter error (a missing input, a
// wrong kind) is a problem-authoring error and comes back as a Status naming it.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "harness/tensor.h"

namespace reference {

// Evaluates `entry` of a problem on `inputs`. Throws EntryError on bad inputs; a mutant that
// models a failing Eigen dimension check throws DimensionMismatch (reference/mutant_support.h).
using EntryFn = std::function<Tensors(std::string_view entry, const Tensors& inputs)>;

// A known misconception, as code: it replaces the reference for one entry point.
struct Mutant {
  std::string id;                   // e.g. "dw_transposed"
  std::string entry;                // the entry point it changes
  std::vector<std::string> skills;  // skill tags the misconception shows a gap in
  std::string explanation;          // learner-facing: what was misunderstood, how to fix it
  EntryFn call;
};
// Convention for `explanation`: its first sentence says what the learner did, starting with
// "You " ("You summed db over the wrong axis."); recommendations quote it ("twice you summed db
// over the wrong axis"). The following sentences say why it is wrong and how to fix it.

struct ProblemCode {
  std::string id;
  EntryFn reference;
  std::vector<Mutant> mutants;
};

// Registers the code of a problem pack loaded at run time (grader/pack_loader.h), replacing
// any earlier code under the same id. Pointers returned before stay valid. Thread-safe.
void RegisterProblemCode(ProblemCode code);

// Returns nullptr when no code is registered for `problem_id`.
const ProblemCode* FindProblemCode(std::string_view problem_id);
std::vector<std::string> RegisteredProblemIds();

base::StatusOr<Tensors> Evaluate(EntryFn fn, std::string_view entry, const Tensors& inputs);

// A mutant's outcome on one input: its outputs, or the dimension mismatch it models.
struct MutantOutcome {
  bool dimension_mismatch = false;
  Tensors outputs;  // when !dimension_mismatch
};
// Like Evaluate, but a DimensionMismatch is an outcome, not an error.
base::StatusOr<MutantOutcome> EvaluateMutant(const Mutant& mutant, const Tensors& inputs);

// The mutant `mutant_id` of problem `problem_id`, or nullptr.
const Mutant* FindMutant(std::string_view problem_id, std::string_view mutant_id);

}  // namespace reference
