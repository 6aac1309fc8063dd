// clip_grad_norm: total = √Σ‖G_k‖²; if total > max_norm scale every G_k by max_norm / total.
// ClipResult is declared for you: struct ClipResult { std::vector<MatrixXd> grads; double total_norm; };
#include <Eigen/Dense>
#include <vector>

ClipResult clip_grad_norm(const std::vector<Eigen::MatrixXd>& grads, double max_norm) {
  // TODO
  (void)max_norm;
  return {grads, 0.0};
}
