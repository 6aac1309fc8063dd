// security case: repeats the launcher's execveat on fd 5 with its own pointer
// category: exec
// expect: forbidden_syscall
// detail: execveat
#include <Eigen/Dense>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { char empty[] = ""; char* args[] = {nullptr}; syscall(SYS_execveat, 5, empty, args, args, AT_EMPTY_PATH); return Z; }
