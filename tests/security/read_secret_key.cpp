// security case: opens the data directory's secret key at runtime
// category: files
// expect: forbidden_syscall
// detail: openat
#include <Eigen/Dense>
#include <fstream>
#include <iostream>
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { std::ifstream in("@DATA_DIR@/secret.key"); std::string s; in >> s; std::cout << s; return Z; }
