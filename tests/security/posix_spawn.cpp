// security case: posix_spawn of /bin/true
// category: processes
// expect: forbidden_syscall
#include <Eigen/Dense>
#include <spawn.h>
extern char** environ;
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { pid_t pid; char arg0[] = "true"; char* args[] = {arg0, nullptr}; posix_spawn(&pid, "/bin/true", nullptr, nullptr, args, environ); return Z; }
