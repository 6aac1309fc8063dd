// Bayesian Knowledge Tracing (Corbett & Anderson 1995, "Knowledge tracing"): the
// probability that a learner knows a skill, updated by one observation (a correct or incorrect
// attempt). Lives in db/ because the store applies it inside the transaction that records the
// observation (read the old estimate, write the new one), so no update is lost or doubled.
#pragma once

namespace db {

struct BktParams {
  double prior = 0.2;   // P(L0): known before any practice
  double learn = 0.15;  // P(T): unknown -> known after an opportunity
  double guess = 0.2;   // P(G): correct although unknown
  double slip = 0.1;    // P(S): incorrect although known
};

// P(L | obs):
//   correct:   P(L)(1−S) / [P(L)(1−S) + (1−P(L))G]
//   incorrect: P(L)S     / [P(L)S     + (1−P(L))(1−G)]
double BktPosterior(double p_known, bool correct, const BktParams& params);

// P(L_next) = P(L | obs) + (1 − P(L | obs)) T   (standard BKT, no forgetting)
double BktUpdate(double p_known, bool correct, const BktParams& params);

}  // namespace db
