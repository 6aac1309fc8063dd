// Clips each tensor by its own norm instead of by the norm of all of them together.
#include <Eigen/Dense>
#include <cmath>
#include <vector>

ClipResult clip_grad_norm(const std::vector<Eigen::MatrixXd>& grads, double max_norm) {
  ClipResult r;
  r.total_norm = 0.0;
  for (const Eigen::MatrixXd& g : grads) {
    r.total_norm += g.squaredNorm();
    const double norm = g.norm();
    r.grads.push_back(norm > max_norm ? Eigen::MatrixXd(g * (max_norm / norm)) : g);
  }
  r.total_norm = std::sqrt(r.total_norm);
  return r;
}
