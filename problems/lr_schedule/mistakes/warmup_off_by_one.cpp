// Warms up with (s + 1)/W, reaching lr_max one step early (and never starting at 0).
#include <cmath>

double lr_at(int step, const LrSchedule& s) {
  if (step < s.warmup_steps) return s.lr_max * (step + 1) / s.warmup_steps;
  if (step > s.total_steps) return s.lr_min;
  const double progress =
      static_cast<double>(step - s.warmup_steps) / (s.total_steps - s.warmup_steps);
  return s.lr_min + 0.5 * (s.lr_max - s.lr_min) * (1.0 + std::cos(M_PI * progress));
}
