// batchnorm_train / batchnorm_eval / batchnorm_backward: see the statement for the formulas.
// BatchNormTrainResult { Y, running_mean, running_var } and BatchNormGrads { dX, dgamma, dbeta }
// are declared for you.
#include <Eigen/Dense>

BatchNormTrainResult batchnorm_train(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                     const Eigen::VectorXd& beta,
                                     const Eigen::VectorXd& running_mean,
                                     const Eigen::VectorXd& running_var, double momentum,
                                     double eps) {
  // TODO
  (void)gamma;
  (void)beta;
  (void)momentum;
  (void)eps;
  return {X, running_mean, running_var};
}

Eigen::MatrixXd batchnorm_eval(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                               const Eigen::VectorXd& beta, const Eigen::VectorXd& running_mean,
                               const Eigen::VectorXd& running_var, double eps) {
  // TODO
  (void)gamma;
  (void)beta;
  (void)running_mean;
  (void)running_var;
  (void)eps;
  return X;
}

BatchNormGrads batchnorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                  const Eigen::VectorXd& gamma, double eps) {
  // TODO
  (void)X;
  (void)eps;
  return {dY, Eigen::VectorXd::Zero(gamma.size()), Eigen::VectorXd::Zero(gamma.size())};
}
