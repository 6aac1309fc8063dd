// security case: answers correctly only if it can see the canary (it cannot: empty root)
// category: files
// expect: wrong_answer
#include <Eigen/Dense>
#include <sys/stat.h>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { struct stat st; if (stat("@CANARY@", &st) == 0) return Z.cwiseMax(0.0); return Z; }
