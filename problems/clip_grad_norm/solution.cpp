#include <Eigen/Dense>
#include <cmath>
#include <vector>

ClipResult clip_grad_norm(const std::vector<Eigen::MatrixXd>& grads, double max_norm) {
  double sum_sq = 0.0;
  for (const Eigen::MatrixXd& g : grads) sum_sq += g.squaredNorm();
  ClipResult r;
  r.total_norm = std::sqrt(sum_sq);
  r.grads = grads;
  if (r.total_norm > max_norm) {
    const double scale = max_norm / r.total_norm;
    for (Eigen::MatrixXd& g : r.grads) g *= scale;
  }
  return r;
}
