// Tier scoring of training runs (docs/problem-format.md, "Training problems: tier scoring").
//
// A scored entry's test is one training run: the grader computes a metric from the program's
// output and a target that never entered the sandbox (held-out labels, next characters), and
// the metric's tier gives the share of the test's points. Pure: no process, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "grader/diagnosis.h"
#include "grader/verdict.h"
#include "harness/tensor.h"

namespace grader {

enum class Metric {
  kAccuracy,     // output: N labels (a vector); target: N labels. Higher is better.
  kBitsPerChar,  // output: N×V rows of probabilities; target: N labels in [0, V). Lower is better.
};
const char* MetricName(Metric metric);  // "accuracy", "bits_per_char"
std::optional<Metric> MetricFromName(const std::string& name);
bool HigherIsBetter(Metric metric);

// A tier: a metric at least (accuracy) or at most (bits per char) `at` earns `credit`, a share
// of the test's points in (0, 1]. Tiers are listed from the lowest credit to the highest; the
// last earns 1.
struct Tier {
  double at = 0.0;
  double credit = 0.0;
};

struct ScoringSpec {
  Metric metric = Metric::kAccuracy;
  // The entry the pack's trusted code answers with the test's data: the program's inputs and
  // the target (docs/problem-format.md). Never run in the sandbox.
  std::string data;
  std::string output;  // the program's output that is scored
  std::string target;  // the data tensor the grader keeps: never sent to the program
  std::vector<Tier> tiers;
};

// The tiers are well-formed: at least one; credits strictly increasing in (0, 1], the last 1;
// thresholds strictly better with each tier (increasing for accuracy, in [0, 1]; decreasing
// and > 0 for bits per char). The message names the broken rule ("tiers[2].at must be ...").
base::Status CheckTiers(Metric metric, const std::vector<Tier>& tiers);

// Probabilities of a row must sum to 1 within this, and none may be below −this.
inline constexpr double kDistributionTolerance = 1e-6;

// The outcome of scoring one run.
struct TierOutcome {
  // kPassed (the top tier), kPartial (a lower tier), kWrongAnswer (no tier, or an output that
  // is not a valid prediction), kShapeMismatch, kNonFinite.
  Verdict verdict = Verdict::kWrongAnswer;
  double credit = 0.0;                 // share of the test's points
  std::optional<double> value;         // the metric; absent when the output was invalid
  std::optional<size_t> tier;          // index into tiers
  std::string message;                 // for the learner (see `reveal_value`)
  std::optional<Diagnosis> diagnosis;  // a pattern the outputs show, when one applies
};

// Scores `got` against `target`. With `reveal_value` false (hidden tests) the message names the
// tier reached, never the metric's value or anything about single entries.
TierOutcome ScoreRun(const ScoringSpec& spec, const std::string& output_name,
                     const reference::Tensor& got, const reference::Tensor& target,
                     bool reveal_value);

// The tier a metric value reaches, or nullopt below the lowest. +inf bits reach none.
std::optional<size_t> TierOf(Metric metric, const std::vector<Tier>& tiers, double value);

}  // namespace grader
