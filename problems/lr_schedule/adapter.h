// Entry points of lr_schedule: evaluates lr_at for every step 0 .. total_steps + 2 and returns
// the values as one vector. Impl is the learner's code (Learner, inside the sandbox), the
// reference, or a mutant.
#pragma once

#include <cmath>
#include <string>
#include <string_view>

#include "api.h"
#include "harness/eigen_io.h"

namespace problems::lr_schedule {

inline int AsStepCount(const reference::Tensors& in, const std::string& name) {
  const double x = reference::AsScalar(in, name);
  if (x != std::floor(x) || x < 1 || x > 1e6) {
    throw reference::EntryError("input '" + name + "' must be an integer in [1, 1e6]");
  }
  return static_cast<int>(x);
}

template <class Impl>
reference::Tensors Call(std::string_view entry, const reference::Tensors& in) {
  using namespace reference;
  if (entry == "lr_schedule") {
    LrSchedule schedule;
    schedule.lr_max = AsScalar(in, "lr_max");
    schedule.lr_min = AsScalar(in, "lr_min");
    schedule.warmup_steps = AsStepCount(in, "warmup_steps");
    schedule.total_steps = AsStepCount(in, "total_steps");
    if (schedule.warmup_steps >= schedule.total_steps) {
      throw EntryError("warmup_steps must be < total_steps");
    }
    Eigen::VectorXd lr(schedule.total_steps + 3);
    for (int step = 0; step < lr.size(); ++step) lr(step) = Impl::lr_at(step, schedule);
    return {{"lr", FromVector(lr)}};
  }
  throw EntryError("unknown entry '" + std::string(entry) + "'");
}

struct Learner {
  static double lr_at(int step, const LrSchedule& schedule) { return ::lr_at(step, schedule); }
};

}  // namespace problems::lr_schedule
