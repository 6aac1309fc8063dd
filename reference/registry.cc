#include "reference/registry.h"

#include <deque>
#include <exception>
#include <map>
#include <mutex>

#include "reference/mutant_support.h"

namespace reference {
namespace {

// Packs loaded at run time. A deque never moves its elements, so a replaced pack's code stays
// valid for whoever still holds a pointer to it.
struct LoadedPacks {
  std::mutex mutex;
  std::deque<ProblemCode> all;
  std::map<std::string, const ProblemCode*, std::less<>> by_id;
};

LoadedPacks& Loaded() {
  static LoadedPacks loaded;
  return loaded;
}

}  // namespace

void RegisterProblemCode(ProblemCode code) {
  LoadedPacks& loaded = Loaded();
  std::lock_guard lock(loaded.mutex);
  const ProblemCode& stored = loaded.all.emplace_back(std::move(code));
  loaded.by_id[stored.id] = &stored;
}

const ProblemCode* FindProblemCode(std::string_view problem_id) {
  LoadedPacks& loaded = Loaded();
  std::lock_guard lock(loaded.mutex);
  auto it = loaded.by_id.find(problem_id);
  return it == loaded.by_id.end() ? nullptr : it->second;
}

std::vector<std::string> RegisteredProblemIds() {
  LoadedPacks& loaded = Loaded();
  std::lock_guard lock(loaded.mutex);
  std::vector<std::string> ids;
  for (const auto& [id, code] : loaded.by_id) ids.push_back(id);
  return ids;
}

base::StatusOr<Tensors> Evaluate(EntryFn fn, std::string_view entry, const Tensors& inputs) {
  try {
    return fn(entry, inputs);
  } catch (const std::exception& e) {
    return base::Status::Internal("entry '" + std::string(entry) + "': " + e.what());
  }
}

base::StatusOr<MutantOutcome> EvaluateMutant(const Mutant& mutant, const Tensors& inputs) {
  MutantOutcome outcome;
  try {
    outcome.outputs = mutant.call(mutant.entry, inputs);
  } catch (const DimensionMismatch&) {
    outcome.dimension_mismatch = true;
  } catch (const std::exception& e) {
    return base::Status::Internal("mutant '" + mutant.id + "': " + e.what());
  }
  return outcome;
}

const Mutant* FindMutant(std::string_view problem_id, std::string_view mutant_id) {
  const ProblemCode* code = FindProblemCode(problem_id);
  if (code == nullptr) return nullptr;
  for (const Mutant& m : code->mutants) {
    if (m.id == mutant_id) return &m;
  }
  return nullptr;
}

}  // namespace reference
