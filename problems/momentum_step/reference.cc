// momentum_step's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::momentum_step {
namespace {

using Eigen::MatrixXd;

struct Momentum {
  // v ← μv − lr·g;  w ← w + v   (CS231n sgd_momentum).   w, g, v: R×C
  static MomentumStepResult momentum_step(const MatrixXd& w, const MatrixXd& g,
                                          const MomentumState& state, double lr, double mu) {
    const MatrixXd& v = state.velocity;
    MomentumStepResult r;
    r.state.velocity = mu * v - lr * g;
    r.w = w + r.state.velocity;
    return r;
  }
};

struct Sign : Momentum {  // v ← μv + lr·g; w ← w + v
  static MomentumStepResult momentum_step(const MatrixXd& w, const MatrixXd& g,
                                          const MomentumState& state, double lr, double mu) {
    MomentumState next{mu * state.velocity + lr * g};
    return {w + next.velocity, next};
  }
};
struct OldVelocity : Momentum {  // w moves with the old v
  static MomentumStepResult momentum_step(const MatrixXd& w, const MatrixXd& g,
                                          const MomentumState& state, double lr, double mu) {
    return {w + state.velocity, {mu * state.velocity - lr * g}};
  }
};
struct Ema : Momentum {  // v ← μv + (1−μ)g; w ← w − lr·v
  static MomentumStepResult momentum_step(const MatrixXd& w, const MatrixXd& g,
                                          const MomentumState& state, double lr, double mu) {
    MomentumState next{mu * state.velocity + (1.0 - mu) * g};
    return {w - lr * next.velocity, next};
  }
};
struct StateNotReturned : Momentum {
  static MomentumStepResult momentum_step(const MatrixXd& w, const MatrixXd& g,
                                          const MomentumState& state, double lr, double mu) {
    return {Momentum::momentum_step(w, g, state, lr, mu).w, state};
  }
};

}  // namespace

GRADER_PACK(Call<Momentum>,
            {
                {"velocity_sign_flipped", reference::Guard<Call<Sign>>},
                {"weights_updated_with_old_velocity", reference::Guard<Call<OldVelocity>>},
                {"ema_velocity", reference::Guard<Call<Ema>>},
                {"state_not_returned", reference::Guard<Call<StateNotReturned>>},
            })

}  // namespace problems::momentum_step
