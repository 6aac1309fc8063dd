// security case: opens the host canary file at runtime
// category: files
// expect: forbidden_syscall
// detail: openat
#include <Eigen/Dense>
#include <fstream>
#include <iostream>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::ifstream in("@CANARY@"); std::string s; in >> s; std::cout << s; return Z; }
