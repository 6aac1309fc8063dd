// lr_schedule's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
#include <cmath>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::lr_schedule {
namespace {

struct CosineSchedule {
  // s < W: lr_max·s/W;  W ≤ s ≤ T: lr_min + ½(lr_max − lr_min)(1 + cos(π(s−W)/(T−W)));
  // s > T: lr_min.
  // REQUIRES: step >= 0, 1 <= warmup_steps < total_steps
  static double lr_at(int step, const LrSchedule& schedule) {
    const double s = step, W = schedule.warmup_steps, T = schedule.total_steps;
    if (s < W) return schedule.lr_max * s / W;
    if (s > T) return schedule.lr_min;
    const double progress = (s - W) / (T - W);
    return schedule.lr_min +
           0.5 * (schedule.lr_max - schedule.lr_min) * (1.0 + std::cos(M_PI * progress));
  }
};

double Cosine(const LrSchedule& s, double progress, double floor) {
  return floor + 0.5 * (s.lr_max - floor) * (1.0 + std::cos(M_PI * progress));
}

struct WarmupOffByOne : CosineSchedule {
  static double lr_at(int step, const LrSchedule& s) {
    if (step < s.warmup_steps) return s.lr_max * (step + 1) / s.warmup_steps;
    return CosineSchedule::lr_at(step, s);
  }
};
struct IntegerProgress : CosineSchedule {
  static double lr_at(int step, const LrSchedule& s) {
    if (step < s.warmup_steps || step > s.total_steps) return CosineSchedule::lr_at(step, s);
    return Cosine(s, (step - s.warmup_steps) / (s.total_steps - s.warmup_steps), s.lr_min);
  }
};
struct ToZero : CosineSchedule {
  static double lr_at(int step, const LrSchedule& s) {
    if (step < s.warmup_steps || step > s.total_steps) return CosineSchedule::lr_at(step, s);
    return Cosine(s, static_cast<double>(step - s.warmup_steps) / (s.total_steps - s.warmup_steps),
                  0.0);
  }
};
struct ProgressFromZero : CosineSchedule {
  static double lr_at(int step, const LrSchedule& s) {
    if (step < s.warmup_steps || step > s.total_steps) return CosineSchedule::lr_at(step, s);
    return Cosine(s, static_cast<double>(step) / s.total_steps, s.lr_min);
  }
};
struct RisesAfterEnd : CosineSchedule {
  static double lr_at(int step, const LrSchedule& s) {
    if (step <= s.total_steps) return CosineSchedule::lr_at(step, s);
    return Cosine(s, static_cast<double>(step - s.warmup_steps) / (s.total_steps - s.warmup_steps),
                  s.lr_min);
  }
};

}  // namespace

GRADER_PACK(Call<CosineSchedule>,
            {
                {"warmup_off_by_one", reference::Guard<Call<WarmupOffByOne>>},
                {"integer_division_progress", reference::Guard<Call<IntegerProgress>>},
                {"decays_to_zero_not_floor", reference::Guard<Call<ToZero>>},
                {"progress_ignores_warmup", reference::Guard<Call<ProgressFromZero>>},
                {"cosine_rises_after_end", reference::Guard<Call<RisesAfterEnd>>},
            })

}  // namespace problems::lr_schedule
