// security case: replaces global operator new/delete and answers wrongly
// category: harness
// expect: wrong_answer
#include <Eigen/Dense>
#include <cstdlib>
#include <new>
void* operator new(std::size_t n) { void* p = std::malloc(n ? n : 1); if (!p) throw std::bad_alloc(); return p; }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return -Z; }
