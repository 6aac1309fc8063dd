// security case: thousands of errors (the log stays bounded)
// category: compiler
// expect: compile_error
#include <Eigen/Dense>
template <class T> class a { a<T*> operator->(); };
a<int> i = i->b;
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
