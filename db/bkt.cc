#include "db/bkt.h"

namespace db {

double BktPosterior(double p_known, bool correct, const BktParams& params) {
  const double p = p_known, s = params.slip, g = params.guess;
  const double known = correct ? p * (1 - s) : p * s;
  const double unknown = correct ? (1 - p) * g : (1 - p) * (1 - g);
  return known / (known + unknown);
}

double BktUpdate(double p_known, bool correct, const BktParams& params) {
  const double posterior = BktPosterior(p_known, correct, params);
  return posterior + (1 - posterior) * params.learn;
}

}  // namespace db
