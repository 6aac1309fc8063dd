// security case: reserves 10 GiB it never touches, then answers wrongly (no false memory verdict)
// category: memory
// expect: wrong_answer
#include <Eigen/Dense>
#include <sys/mman.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { void* p = mmap(nullptr, 10ul << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0); if (p == MAP_FAILED) return Z; static_cast<char*>(p)[0] = 1; return Z; }
