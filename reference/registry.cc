#include "reference/registry.h"

#include <exception>

#include "problems/linear_backward/adapter.h"
#include "problems/linear_forward/adapter.h"
#include "problems/relu/adapter.h"
#include "reference/groups.h"
#include "reference/linear.h"
#include "reference/mutant_support.h"
#include "reference/mutants.h"
#include "reference/relu.h"

namespace reference {
namespace {

const std::vector<ProblemCode>& AllProblems() {
  static const std::vector<ProblemCode> problems = [] {
    std::vector<ProblemCode> all = {
        {"linear_forward", &problems::linear_forward::Call<Linear>, LinearForwardMutants()},
        {"linear_backward", &problems::linear_backward::Call<Linear>, LinearBackwardMutants()},
        {"relu", &problems::relu::Call<Relu>, ReluMutants()},
    };
    // One line per curriculum group (reference/groups.h).
    for (ProblemCode& p : ActivationProblems()) all.push_back(std::move(p));
    for (ProblemCode& p : LossProblems()) all.push_back(std::move(p));
    for (ProblemCode& p : OptimizerProblems()) all.push_back(std::move(p));
    for (ProblemCode& p : NormalizationProblems()) all.push_back(std::move(p));
    return all;
  }();
  return problems;
}

}  // namespace

const ProblemCode* FindProblemCode(std::string_view problem_id) {
  for (const ProblemCode& p : AllProblems()) {
    if (p.id == problem_id) return &p;
  }
  return nullptr;
}

std::vector<std::string> RegisteredProblemIds() {
  std::vector<std::string> ids;
  for (const ProblemCode& p : AllProblems()) ids.push_back(p.id);
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
