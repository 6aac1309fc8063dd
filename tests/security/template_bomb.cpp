// security case: unbounded template recursion
// category: compiler
// expect: compile_error
#include <Eigen/Dense>
template <int N> struct Boom { static constexpr int value = Boom<N + 1>::value + 1; };
int x = Boom<0>::value;
Eigen::MatrixXd relu_forward(const Eigen::MatrixXd& Z) { return Z; }
