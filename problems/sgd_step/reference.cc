// sgd_step's trusted code: the reference implementation and its mutants, one per misconception
// in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine, never shown to
// learners.
#include <Eigen/Dense>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::sgd_step {
namespace {

using Eigen::MatrixXd;

struct Sgd {
  // w ← w − lr·g   (CS231n sgd).   w, g: R×C
  static MatrixXd sgd_step(const MatrixXd& w, const MatrixXd& g, double lr) { return w - lr * g; }
};

struct Sign : Sgd {
  static MatrixXd sgd_step(const MatrixXd& w, const MatrixXd& g, double lr) { return w + lr * g; }
};
struct ReturnsUpdate : Sgd {
  static MatrixXd sgd_step(const MatrixXd&, const MatrixXd& g, double lr) { return -lr * g; }
};
struct NoLr : Sgd {
  static MatrixXd sgd_step(const MatrixXd& w, const MatrixXd& g, double) { return w - g; }
};

}  // namespace

GRADER_PACK(Call<Sgd>, {
                           {"sign_flipped", reference::Guard<Call<Sign>>},
                           {"returns_update_not_weights", reference::Guard<Call<ReturnsUpdate>>},
                           {"lr_not_applied", reference::Guard<Call<NoLr>>},
                       })

}  // namespace problems::sgd_step
