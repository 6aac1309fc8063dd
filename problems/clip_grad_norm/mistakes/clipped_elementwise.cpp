// Clamps every entry to [−max_norm, max_norm] (clipping by value, not by norm).
#include <Eigen/Dense>
#include <cmath>
#include <vector>

ClipResult clip_grad_norm(const std::vector<Eigen::MatrixXd>& grads, double max_norm) {
  ClipResult r;
  double sum_sq = 0.0;
  for (const Eigen::MatrixXd& g : grads) {
    sum_sq += g.squaredNorm();
    r.grads.push_back(g.cwiseMax(-max_norm).cwiseMin(max_norm));
  }
  r.total_norm = std::sqrt(sum_sq);
  return r;
}
