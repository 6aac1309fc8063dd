// lr_schedule: what the learner implements (the grader makes this visible when compiling).
#pragma once

struct LrSchedule {
  double lr_max = 1e-3;
  double lr_min = 1e-4;  // the floor, reached at total_steps
  int warmup_steps = 100;
  int total_steps = 1000;
};

// REQUIRES: step >= 0, 1 <= warmup_steps < total_steps.
// Linear warm-up from 0 to lr_max over warmup_steps, then half a cosine down to lr_min at
// total_steps, then lr_min.
double lr_at(int step, const LrSchedule& schedule);
