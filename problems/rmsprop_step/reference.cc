// rmsprop_step's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::rmsprop_step {
namespace {

using Eigen::ArrayXXd;
using Eigen::MatrixXd;

struct Rmsprop {
  // s ← ρs + (1−ρ) g⊙g;  w ← w − lr·g ⊘ (√s + ε)   (CS231n rmsprop).   w, g, s: R×C
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& config) {
    const double rho = config.rho, lr = config.lr, eps = config.eps;
    RmspropStepResult r;
    r.state.s = (rho * state.s.array() + (1.0 - rho) * g.array().square()).matrix();
    r.w = (w.array() - lr * g.array() / (r.state.s.array().sqrt() + eps)).matrix();
    return r;
  }
};

RmspropStepResult RmspropWith(const MatrixXd& w, const MatrixXd& g, const MatrixXd& s_new,
                              const ArrayXXd& denominator, double lr) {
  return {(w.array() - lr * g.array() / denominator).matrix(), {s_new}};
}
MatrixXd RmspropCache(const MatrixXd& g, const RmspropState& state, double rho) {
  return (rho * state.s.array() + (1.0 - rho) * g.array().square()).matrix();
}

struct EpsInside : Rmsprop {
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& c) {
    const MatrixXd s = RmspropCache(g, state, c.rho);
    return RmspropWith(w, g, s, (s.array() + c.eps).sqrt(), c.lr);
  }
};
struct NoSqrt : Rmsprop {
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& c) {
    const MatrixXd s = RmspropCache(g, state, c.rho);
    return RmspropWith(w, g, s, s.array() + c.eps, c.lr);
  }
};
struct Swapped : Rmsprop {  // s ← (1−ρ)s + ρg²
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& c) {
    const MatrixXd s = RmspropCache(g, state, 1.0 - c.rho);
    return RmspropWith(w, g, s, s.array().sqrt() + c.eps, c.lr);
  }
};
struct NotSquared : Rmsprop {  // g instead of g²
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& c) {
    const MatrixXd s = c.rho * state.s + (1.0 - c.rho) * g;
    return RmspropWith(w, g, s, s.array().sqrt() + c.eps, c.lr);
  }
};
struct StateNotReturned : Rmsprop {
  static RmspropStepResult rmsprop_step(const MatrixXd& w, const MatrixXd& g,
                                        const RmspropState& state, const RmspropConfig& c) {
    return {Rmsprop::rmsprop_step(w, g, state, c).w, state};
  }
};

}  // namespace

GRADER_PACK(Call<Rmsprop>, {
                               {"eps_inside_sqrt", reference::Guard<Call<EpsInside>>},
                               {"sqrt_missing", reference::Guard<Call<NoSqrt>>},
                               {"decay_weights_swapped", reference::Guard<Call<Swapped>>},
                               {"gradient_not_squared", reference::Guard<Call<NotSquared>>},
                               {"state_not_returned", reference::Guard<Call<StateNotReturned>>},
                           })

}  // namespace problems::rmsprop_step
