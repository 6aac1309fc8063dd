#include "grader/scoring.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <set>

namespace grader {
namespace {

std::string Format(const char* format, double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), format, x);
  return buffer;
}

// "≥ 0.9" / "≤ 2.5": a tier's threshold as the learner reads it.
std::string Threshold(Metric metric, double at) {
  return std::string(HigherIsBetter(metric) ? "≥ " : "≤ ") + Format("%g", at);
}

std::string ValueText(Metric metric, double value) {
  if (std::isinf(value)) return "infinite";
  return Format(metric == Metric::kAccuracy ? "%.4f" : "%.4f", value);
}

Diagnosis Pattern(const std::string& name, const std::string& detail) {
  Diagnosis d;
  d.kind = Diagnosis::Kind::kPattern;
  d.pattern = name;
  d.detail = detail;
  return d;
}

// Accuracy of N predicted class ids against N labels; predictions must be integral.
TierOutcome Accuracy(const std::string& name, const reference::Tensor& got,
                     const reference::Tensor& target, bool reveal) {
  TierOutcome out;
  const int64_t n = target.rows;
  std::set<double> classes(target.values.begin(), target.values.end());
  std::set<double> predicted;
  int64_t correct = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double p = got.values[static_cast<size_t>(i)];
    if (p != std::floor(p) || p < 0) {
      out.verdict = Verdict::kWrongAnswer;
      out.message = "output '" + name + "' must hold class ids (integers from 0)" +
                    (reveal ? ": row " + std::to_string(i) + " is " + Format("%g", p) : "");
      return out;
    }
    predicted.insert(p);
    if (p == target.values[static_cast<size_t>(i)]) ++correct;
  }
  out.value = n > 0 ? static_cast<double>(correct) / static_cast<double>(n) : 0.0;
  const double chance = 1.0 / static_cast<double>(std::max<size_t>(classes.size(), 1));
  if (predicted.size() == 1 && classes.size() > 1) {
    out.diagnosis = Pattern(
        "single_class",
        "every prediction is " +
            std::string(reveal ? "class " + Format("%g", *predicted.begin()) : "the same class") +
            ": the model collapsed to one class (typical of mini-batches that are not "
            "shuffled when the training set is sorted by class, or of a training that diverged)");
  } else if (*out.value < chance + 0.1) {
    out.diagnosis = Pattern("chance_level",
                            "the accuracy is near chance (" + Format("%.2g", chance) +
                                "): the network did not learn; check the sign of the update, the "
                                "learning rate and that the gradient reaches every layer");
  }
  return out;
}

// Mean −log2 p(target) over rows of probabilities; rows must be distributions.
TierOutcome BitsPerChar(const std::string& name, const reference::Tensor& got,
                        const reference::Tensor& target, bool reveal) {
  TierOutcome out;
  const int64_t n = got.rows, v = got.cols;
  double total = 0.0;
  int64_t zeros = 0;
  for (int64_t i = 0; i < n; ++i) {
    double sum = 0.0;
    for (int64_t j = 0; j < v; ++j) {
      const double p = got.at(i, j);
      if (p < -kDistributionTolerance) {
        out.message = "output '" + name + "' is not a probability distribution: " +
                      (reveal ? "row " + std::to_string(i) + " has the negative entry " +
                                    Format("%g", p) + " at column " + std::to_string(j)
                              : "a row has a negative entry");
        out.diagnosis = Pattern("not_a_distribution",
                                "a row of probabilities has a negative entry (softmax output "
                                "is ≥ 0; raw logits are not probabilities)");
        return out;
      }
      sum += p;
    }
    if (std::abs(sum - 1.0) > kDistributionTolerance) {
      out.message = "output '" + name + "' is not a probability distribution: " +
                    (reveal ? "row " + std::to_string(i) + " sums to " + Format("%.9g", sum)
                            : "a row does not sum to 1") +
                    " (each row must sum to 1 within " + Format("%g", kDistributionTolerance) + ")";
      out.diagnosis = Pattern("not_a_distribution",
                              "a row of probabilities does not sum to 1: normalise each row "
                              "(divide counts by their row total, or apply softmax)");
      return out;
    }
    const int64_t next = static_cast<int64_t>(target.values[static_cast<size_t>(i)]);
    const double p = got.at(i, next);
    if (p <= 0.0) {
      ++zeros;
      continue;
    }
    total += -std::log2(p);
  }
  if (zeros > 0) {
    out.value = std::numeric_limits<double>::infinity();
    out.diagnosis = Pattern(
        "zero_probability",
        "the character that came next had probability 0 in " +
            (reveal ? std::to_string(zeros) + " of " + std::to_string(n) : std::string("some")) +
            " contexts, so the cross-entropy is infinite: smooth the estimate (add-k counts, "
            "or mix with a lower-order model) so that no character gets probability 0");
    return out;
  }
  out.value = n > 0 ? total / static_cast<double>(n) : 0.0;
  const double uniform = std::log2(static_cast<double>(std::max<int64_t>(v, 1)));
  if (*out.value > uniform - 0.05) {
    out.diagnosis =
        Pattern("chance_level", "the cross-entropy is no better than a uniform guess (" +
                                    Format("%.3g", uniform) + " bits): the model did not learn");
  }
  return out;
}

}  // namespace

const char* MetricName(Metric metric) {
  return metric == Metric::kAccuracy ? "accuracy" : "bits_per_char";
}

std::optional<Metric> MetricFromName(const std::string& name) {
  if (name == "accuracy") return Metric::kAccuracy;
  if (name == "bits_per_char") return Metric::kBitsPerChar;
  return std::nullopt;
}

bool HigherIsBetter(Metric metric) { return metric == Metric::kAccuracy; }

base::Status CheckTiers(Metric metric, const std::vector<Tier>& tiers) {
  if (tiers.empty()) return base::Status::InvalidArgument("tiers must list at least one tier");
  for (size_t i = 0; i < tiers.size(); ++i) {
    const std::string where = "tiers[" + std::to_string(i) + "]";
    const Tier& t = tiers[i];
    if (!(t.credit > 0.0 && t.credit <= 1.0)) {
      return base::Status::InvalidArgument(where + ".credit must be in (0, 1]");
    }
    if (!std::isfinite(t.at)) return base::Status::InvalidArgument(where + ".at must be finite");
    if (metric == Metric::kAccuracy && (t.at < 0.0 || t.at > 1.0)) {
      return base::Status::InvalidArgument(where + ".at must be in [0, 1] (an accuracy)");
    }
    if (metric == Metric::kBitsPerChar && t.at <= 0.0) {
      return base::Status::InvalidArgument(where + ".at must be > 0 (bits per character)");
    }
    if (i == 0) continue;
    const Tier& prev = tiers[i - 1];
    if (t.credit <= prev.credit) {
      return base::Status::InvalidArgument(where +
                                           ".credit must be > the credit of the tier "
                                           "before it (tiers go from the lowest to the highest)");
    }
    const bool better = HigherIsBetter(metric) ? t.at > prev.at : t.at < prev.at;
    if (!better) {
      return base::Status::InvalidArgument(
          where + ".at must be " + (HigherIsBetter(metric) ? "greater" : "less") +
          " than the tier before it (a higher tier needs a better " + MetricName(metric) + ")");
    }
  }
  if (tiers.back().credit != 1.0) {
    return base::Status::InvalidArgument("tiers: the last (top) tier must have credit = 1");
  }
  return base::Status::Ok();
}

std::optional<size_t> TierOf(Metric metric, const std::vector<Tier>& tiers, double value) {
  if (std::isnan(value)) return std::nullopt;
  std::optional<size_t> reached;
  for (size_t i = 0; i < tiers.size(); ++i) {
    const bool meets = HigherIsBetter(metric) ? value >= tiers[i].at : value <= tiers[i].at;
    if (meets) reached = i;
  }
  return reached;
}

TierOutcome ScoreRun(const ScoringSpec& spec, const std::string& output_name,
                     const reference::Tensor& got, const reference::Tensor& target,
                     bool reveal_value) {
  TierOutcome out;
  const int64_t want_cols = spec.metric == Metric::kAccuracy ? 1 : got.cols;
  if (got.rows != target.rows || got.cols != want_cols ||
      (spec.metric == Metric::kBitsPerChar && got.cols < 1)) {
    out.verdict = Verdict::kShapeMismatch;
    out.message = "output '" + output_name + "' has shape " + std::to_string(got.rows) + "x" +
                  std::to_string(got.cols) + ", expected " + std::to_string(target.rows) +
                  (spec.metric == Metric::kAccuracy ? "x1 (one class id per test point)"
                                                    : " rows (one distribution per context)");
    return out;
  }
  for (double x : got.values) {
    if (!std::isfinite(x)) {
      out.verdict = Verdict::kNonFinite;
      out.message = "output '" + output_name + "' holds NaN or ±Inf";
      out.diagnosis = Pattern("non_finite",
                              "the predictions hold NaN or ±Inf: the training diverged (a "
                              "learning rate too high, or an update of the wrong sign)");
      return out;
    }
  }
  TierOutcome scored = spec.metric == Metric::kAccuracy
                           ? Accuracy(output_name, got, target, reveal_value)
                           : BitsPerChar(output_name, got, target, reveal_value);
  if (!scored.value) return scored;  // an invalid prediction: wrong_answer, no tier
  out = scored;
  out.tier = TierOf(spec.metric, spec.tiers, *out.value);
  const std::string metric = MetricName(spec.metric);
  const std::string value =
      reveal_value ? metric + " " + ValueText(spec.metric, *out.value) : metric;
  if (!out.tier) {
    out.verdict = Verdict::kWrongAnswer;
    out.credit = 0.0;
    out.message = value + (reveal_value ? "" : " is") + " below the lowest tier (" +
                  Threshold(spec.metric, spec.tiers.front().at) + ")";
    return out;
  }
  const Tier& tier = spec.tiers[*out.tier];
  out.credit = tier.credit;
  out.verdict = *out.tier + 1 == spec.tiers.size() ? Verdict::kPassed : Verdict::kPartial;
  out.message = value + (reveal_value ? "" : " is") + " in tier " + std::to_string(*out.tier + 1) +
                " of " + std::to_string(spec.tiers.size()) + " (" +
                Threshold(spec.metric, tier.at) + ": " + Format("%g", 100.0 * tier.credit) +
                " % of the points)";
  if (out.verdict == Verdict::kPassed) out.diagnosis.reset();
  return out;
}

}  // namespace grader
