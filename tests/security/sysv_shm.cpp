// security case: a SysV segment that would outlive the run
// category: files
// expect: forbidden_syscall
// detail: shmget
#include <Eigen/Dense>
#include <sys/shm.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { shmget(IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600); return Z; }
