// Decays the cosine from lr_max to 0 and only applies the floor after the end.
#include <cmath>

double lr_at(int step, const LrSchedule& s) {
  if (step < s.warmup_steps) return s.lr_max * step / s.warmup_steps;
  if (step > s.total_steps) return s.lr_min;
  const double progress =
      static_cast<double>(step - s.warmup_steps) / (s.total_steps - s.warmup_steps);
  return 0.5 * s.lr_max * (1.0 + std::cos(M_PI * progress));
}
