// Mutation adequacy (docs/validation.md, rule 4): can the problem's tests tell every mutant from
// the reference, whatever the deployment secret, and every two mutants of an entry apart?
#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "grader/compare.h"
#include "grader/generator.h"
#include "grader/grade.h"
#include "grader/training_data.h"
#include "grader/validate.h"

namespace grader {
namespace {

// The largest relative error between two output sets (+inf when a shape or name differs).
double Distance(const reference::Tensors& a, const reference::Tensors& b, double floor) {
  double worst = 0;
  for (const auto& [name, ta] : a) {
    auto tb = b.find(name);
    if (tb == b.end() || ta.rows != tb->second.rows || ta.cols != tb->second.cols) return INFINITY;
    for (size_t i = 0; i < ta.values.size(); ++i) {
      const double x = ta.values[i], y = tb->second.values[i];
      if (std::isnan(x) != std::isnan(y)) return INFINITY;
      if (!std::isfinite(x) || !std::isfinite(y)) {
        if (x != y) return INFINITY;
        continue;
      }
      worst = std::max(worst, RelativeError(x, y, floor));
    }
  }
  return worst;
}

bool Separated(const reference::MutantOutcome& a, const reference::MutantOutcome& b,
               const TestSpec& test) {
  if (a.dimension_mismatch || b.dimension_mismatch) {
    return a.dimension_mismatch != b.dimension_mismatch;
  }
  return Distance(a.outputs, b.outputs, test.floor) > kSeparationFactor * test.tolerance;
}

bool AllFinite(const reference::Tensor& t) {
  return std::all_of(t.values.begin(), t.values.end(), [](double x) { return std::isfinite(x); });
}

bool HasForcedInputs(const TestSpec& test) {
  return std::any_of(test.inputs.begin(), test.inputs.end(),
                     [](const InputSpec& i) { return !i.forced.empty(); });
}

// The outcomes of the reference and of every mutant of the test's entry on one seed's data.
struct SeedOutcomes {
  reference::MutantOutcome reference;
  std::map<size_t, reference::MutantOutcome> mutants;  // by index in ProblemCode::mutants
};

base::StatusOr<SeedOutcomes> EvaluateOnSeed(const reference::ProblemCode& code,
                                            const TestSpec& test, uint64_t seed) {
  auto inputs = GenerateInputs(test, seed);
  if (!inputs.ok()) {
    return base::Status::InvalidArgument("test '" + test.name + "': " + inputs.status().message());
  }
  auto expected = reference::Evaluate(code.reference, test.entry, *inputs);
  if (!expected.ok()) {
    return base::Status::Internal("test '" + test.name +
                                  "': the reference failed: " + expected.status().message());
  }
  SeedOutcomes o{{false, *expected}, {}};
  for (size_t m = 0; m < code.mutants.size(); ++m) {
    if (code.mutants[m].entry != test.entry) continue;
    auto outcome = reference::EvaluateMutant(code.mutants[m], *inputs);
    if (!outcome.ok()) {
      return base::Status::Internal("test '" + test.name + "': " + outcome.status().message());
    }
    o.mutants[m] = *outcome;
  }
  return o;
}

}  // namespace

std::vector<std::string> CheckAdequacy(const ProblemSpec& problem,
                                       const reference::ProblemCode& code,
                                       const std::string& secret) {
  std::vector<std::string> failures;
  // outcomes[{mutant index, test index}] on the secret's data, for the tests of its entry.
  std::map<std::pair<size_t, size_t>, reference::MutantOutcome> outcomes;
  std::set<size_t> separated_for_every_secret;
  std::map<size_t, std::string> separated_by_secret_only;  // mutant -> hidden tests
  for (size_t t = 0; t < problem.tests.size(); ++t) {
    const TestSpec& test = problem.tests[t];
    const EntrySpec* entry = problem.FindEntry(test.entry);
    if (entry != nullptr && entry->scoring) {
      // A training run has no reference output to separate mutants on: its data must be made.
      auto data = MakeTrainingData(test, *entry, TestSeed(problem, test, secret), code);
      if (!data.ok()) failures.push_back("test '" + test.name + "': " + data.status().message());
      continue;
    }
    auto on_secret = EvaluateOnSeed(code, test, TestSeed(problem, test, secret));
    if (!on_secret.ok()) {
      failures.push_back(on_secret.status().message());
      continue;
    }
    for (const auto& [name, tensor] : on_secret->reference.outputs) {
      if (!AllFinite(tensor)) {
        failures.push_back("test '" + test.name + "': the reference's output '" + name +
                           "' is not finite");
      }
    }
    // A hidden test's other data are the stand-ins' business; computed only when needed.
    std::optional<std::vector<SeedOutcomes>> stand_ins;
    for (const auto& [m, outcome] : on_secret->mutants) {
      outcomes[{m, t}] = outcome;
      if (!Separated(outcome, on_secret->reference, test)) continue;
      if (test.visibility == Visibility::kVisible) {
        separated_for_every_secret.insert(m);
        continue;
      }
      const bool by_dimension_check =
          outcome.dimension_mismatch != on_secret->reference.dimension_mismatch;
      if (!by_dimension_check && !HasForcedInputs(test)) {
        separated_by_secret_only[m] +=
            (separated_by_secret_only[m].empty() ? "" : ", ") + test.name;
        continue;
      }
      if (!stand_ins) {
        stand_ins.emplace();
        for (uint64_t seed : kStandInSeeds) {
          auto o = EvaluateOnSeed(code, test, seed);
          if (!o.ok()) {
            failures.push_back(o.status().message());
            break;
          }
          stand_ins->push_back(std::move(*o));
        }
      }
      const bool on_every_stand_in =
          stand_ins->size() == std::size(kStandInSeeds) &&
          std::all_of(stand_ins->begin(), stand_ins->end(), [&](const SeedOutcomes& o) {
            return Separated(o.mutants.at(m), o.reference, test);
          });
      if (on_every_stand_in) {
        separated_for_every_secret.insert(m);
      } else {
        separated_by_secret_only[m] +=
            (separated_by_secret_only[m].empty() ? "" : ", ") + test.name;
      }
    }
  }
  // A mistake may show only on some inputs (a naive exp overflows only for |z| near 800), so a
  // mutant needs one test of its entry that tells it from the reference, not every test; but
  // that test must do so whatever the deployment secret.
  for (size_t m = 0; m < code.mutants.size(); ++m) {
    if (separated_for_every_secret.count(m)) continue;
    const reference::Mutant& mutant = code.mutants[m];
    auto hidden = separated_by_secret_only.find(m);
    if (hidden != separated_by_secret_only.end()) {
      failures.push_back("mutant '" + mutant.id +
                         "' is separated from the reference only by hidden tests whose data "
                         "change with the deployment secret (" +
                         hidden->second +
                         "): separate it with a visible test or with forced inputs");
    } else {
      failures.push_back("mutant '" + mutant.id +
                         "' is not separated from the reference by any test of entry '" +
                         mutant.entry + "' (add discriminating inputs)");
    }
  }
  for (size_t a = 0; a < code.mutants.size(); ++a) {
    for (size_t b = a + 1; b < code.mutants.size(); ++b) {
      if (code.mutants[a].entry != code.mutants[b].entry) continue;
      bool separated = false;
      std::string tests;
      for (size_t t = 0; t < problem.tests.size() && !separated; ++t) {
        auto oa = outcomes.find({a, t}), ob = outcomes.find({b, t});
        if (oa == outcomes.end() || ob == outcomes.end()) continue;
        separated = Separated(oa->second, ob->second, problem.tests[t]);
        tests += (tests.empty() ? "" : ", ") + problem.tests[t].name;
      }
      if (!separated) {
        failures.push_back("mutants '" + code.mutants[a].id + "' and '" + code.mutants[b].id +
                           "' are not separated by any test (" +
                           (tests.empty()
                                ? std::string("no test of entry '") + code.mutants[a].entry + "'"
                                : "tried " + tests) +
                           ")");
      }
    }
  }
  return failures;
}

}  // namespace grader
