// security case: allocates and spins in proportion to an input value, so that a hidden test's peak memory or time would reveal it; then answers wrongly
// category: leaks
// expect: wrong_answer
// formats: junit gradescope
#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <vector>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) {
  // |Z(0,0)| in [0, ~4) -> 0 to ~64 MiB touched and 0 to ~40 ms of spinning.
  const double probe = std::min(std::fabs(Z(0, 0)), 4.0);
  std::vector<char> block(static_cast<size_t>(probe * (16 << 20)), 1);
  volatile char sink = 0;
  for (size_t i = 0; i < block.size(); i += 4096) sink = static_cast<char>(sink + block[i]);
  const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(static_cast<long>(probe * 10000));
  while (std::chrono::steady_clock::now() < until) sink = static_cast<char>(sink + 1);
  return Z * 2.0 + Eigen::MatrixXd::Constant(Z.rows(), Z.cols(), 1.0);
}
