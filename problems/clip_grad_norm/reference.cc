// clip_grad_norm's trusted code: the reference implementation and its mutants, one per
// misconception in problem.toml's [[mutants]] (docs/problem-packs.md). Compiled by the engine,
// never shown to learners.
#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::clip_grad_norm {
namespace {

using Eigen::MatrixXd;

struct ClipGradNorm {
  // total = √Σ_k ‖G_k‖²_F;  G_k ← G_k · max_norm/total when total > max_norm.
  // REQUIRES: max_norm > 0
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    double sum_sq = 0.0;
    for (const MatrixXd& g : grads) sum_sq += g.squaredNorm();
    ClipResult r{grads, std::sqrt(sum_sq)};
    if (r.total_norm > max_norm) {
      const double scale = max_norm / r.total_norm;
      for (MatrixXd& g : r.grads) g *= scale;
    }
    return r;
  }
};

double GlobalNorm(const std::vector<MatrixXd>& grads) {
  double sum_sq = 0.0;
  for (const MatrixXd& g : grads) sum_sq += g.squaredNorm();
  return std::sqrt(sum_sq);
}

struct PerTensor : ClipGradNorm {
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    ClipResult r{{}, GlobalNorm(grads)};
    for (const MatrixXd& g : grads)
      r.grads.push_back(ClipGradNorm::clip_grad_norm({g}, max_norm).grads[0]);
    return r;
  }
};
struct Always : ClipGradNorm {
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    ClipResult r{grads, GlobalNorm(grads)};
    for (MatrixXd& g : r.grads) g *= max_norm / r.total_norm;
    return r;
  }
};
struct ByValue : ClipGradNorm {
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    ClipResult r{grads, GlobalNorm(grads)};
    for (MatrixXd& g : r.grads) g = g.cwiseMax(-max_norm).cwiseMin(max_norm);
    return r;
  }
};
struct SquaredNorm : ClipGradNorm {  // Σ‖G‖² used as the norm
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    const double sum_sq = GlobalNorm(grads) * GlobalNorm(grads);
    ClipResult r{grads, sum_sq};
    if (sum_sq > max_norm) {
      for (MatrixXd& g : r.grads) g *= max_norm / sum_sq;
    }
    return r;
  }
};
// PyTorch's clip_grad_norm_ divides by total + 1e-6, which the statement rules out:
//   scale = max_norm / (total + 1e-6)  when total > max_norm
struct NormPlusEpsilon : ClipGradNorm {
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    ClipResult r{grads, GlobalNorm(grads)};
    if (r.total_norm > max_norm) {
      for (MatrixXd& g : r.grads) g *= max_norm / (r.total_norm + 1e-6);
    }
    return r;
  }
};
struct NormAfter : ClipGradNorm {  // reports the norm of the clipped gradients
  static ClipResult clip_grad_norm(const std::vector<MatrixXd>& grads, double max_norm) {
    ClipResult r = ClipGradNorm::clip_grad_norm(grads, max_norm);
    r.total_norm = GlobalNorm(r.grads);
    return r;
  }
};

}  // namespace

GRADER_PACK(Call<ClipGradNorm>,
            {
                {"per_tensor_norm", reference::Guard<Call<PerTensor>>},
                {"always_rescaled", reference::Guard<Call<Always>>},
                {"clipped_elementwise", reference::Guard<Call<ByValue>>},
                {"norm_not_square_rooted", reference::Guard<Call<SquaredNorm>>},
                {"norm_reported_after_clipping", reference::Guard<Call<NormAfter>>},
                {"norm_plus_epsilon", reference::Guard<Call<NormPlusEpsilon>>},
            })

}  // namespace problems::clip_grad_norm
