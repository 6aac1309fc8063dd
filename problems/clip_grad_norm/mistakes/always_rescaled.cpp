// Rescales to max_norm unconditionally, also growing gradients that were already short.
#include <Eigen/Dense>
#include <cmath>
#include <vector>

ClipResult clip_grad_norm(const std::vector<Eigen::MatrixXd>& grads, double max_norm) {
  double sum_sq = 0.0;
  for (const Eigen::MatrixXd& g : grads) sum_sq += g.squaredNorm();
  ClipResult r{grads, std::sqrt(sum_sq)};
  for (Eigen::MatrixXd& g : r.grads) g *= max_norm / r.total_norm;
  return r;
}
