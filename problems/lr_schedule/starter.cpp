// lr_at: s < W: lr_max·s/W;  W ≤ s ≤ T: lr_min + ½(lr_max − lr_min)(1 + cos(π(s−W)/(T−W)));
//        s > T: lr_min.
// LrSchedule is declared for you: struct LrSchedule { double lr_max, lr_min; int warmup_steps, total_steps; };
#include <cmath>

double lr_at(int step, const LrSchedule& schedule) {
  // TODO
  (void)step;
  return schedule.lr_max;
}
