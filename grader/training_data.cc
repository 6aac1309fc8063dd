#include "grader/training_data.h"

#include <algorithm>

#include "grader/generator.h"

namespace grader {

base::StatusOr<TrainingData> MakeTrainingData(const TestSpec& test, const EntrySpec& entry,
                                              uint64_t test_seed,
                                              const reference::ProblemCode& code) {
  const ScoringSpec& scoring = *entry.scoring;
  auto drawn = GenerateInputs(test, test_seed);
  if (!drawn.ok()) return drawn.status();
  TrainingData out;
  out.data_inputs = *drawn;
  Rng rng(InputSeed(test_seed, kDataSeedInput));
  out.data_inputs[kDataSeedInput] = {
      reference::TensorKind::kScalar, 1, 1, {static_cast<double>(rng.Below(int64_t{1} << 31))}};
  auto made = reference::Evaluate(code.reference, scoring.data, out.data_inputs);
  if (!made.ok()) {
    return made.status().WithContext("data entry '" + scoring.data + "' of test '" + test.name +
                                     "'");
  }
  out.program_inputs = std::move(*drawn);
  bool has_target = false;
  for (auto& [name, tensor] : *made) {
    out.made.push_back(name);
    if (name == scoring.target) {
      if (tensor.kind != reference::TensorKind::kLabels || tensor.cols != 1) {
        return base::Status::Internal("data entry '" + scoring.data + "': target '" + name +
                                      "' must be labels (a vector of integer ids)");
      }
      out.target = std::move(tensor);
      has_target = true;
      continue;
    }
    const bool is_input = std::any_of(entry.inputs.begin(), entry.inputs.end(),
                                      [&](const InputSpec& in) { return in.name == name; });
    if (!is_input) {
      return base::Status::Internal("data entry '" + scoring.data + "' returned '" + name +
                                    "', which is neither the target nor an input of entry '" +
                                    entry.name + "'");
    }
    out.program_inputs[name] = std::move(tensor);
  }
  if (!has_target) {
    return base::Status::Internal("data entry '" + scoring.data + "' did not return the target '" +
                                  scoring.target + "'");
  }
  return out;
}

}  // namespace grader
