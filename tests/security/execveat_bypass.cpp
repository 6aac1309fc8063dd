// security case: execveat(AT_FDCWD, "/bin/true")
// category: exec
// expect: forbidden_syscall
// detail: execveat
#include <Eigen/Dense>
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { char arg0[] = "true"; char* args[] = {arg0, nullptr}; syscall(SYS_execveat, AT_FDCWD, "/bin/true", args, args + 1, 0); return Z; }
