// The data of one training run (a tier-scored test, docs/problem-format.md "Training problems:
// tier scoring"): the test's inputs are drawn as usual, then the pack's trusted code answers the
// scoring's `data` entry with the program's inputs and the target, which stays in the grader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/problem_spec.h"
#include "harness/tensor.h"
#include "reference/registry.h"

namespace grader {

// The name of the scalar the data entry receives besides the drawn inputs: an integer in
// [0, 2^31) derived from the test's seed, never sent to the program.
inline constexpr const char* kDataSeedInput = "data_seed";

struct TrainingData {
  reference::Tensors data_inputs;     // what the data entry received (drawn inputs + data_seed)
  reference::Tensors program_inputs;  // sent to the program: the entry's inputs
  reference::Tensor target;           // kept by the grader
  std::vector<std::string> made;      // the names the data entry returned (target included)
};

// REQUIRES: the test's entry has `scoring`. Errors (kInvalidArgument or kInternal) are
// authoring errors of the pack: a data entry that fails, omits the target, returns a target that
// is not labels, or returns a name that is neither the target nor an input of the entry.
base::StatusOr<TrainingData> MakeTrainingData(const TestSpec& test, const EntrySpec& entry,
                                              uint64_t test_seed,
                                              const reference::ProblemCode& code);

}  // namespace grader
