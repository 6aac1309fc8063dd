// batchnorm: what the learner implements (the grader makes this visible when compiling).
#pragma once
#include <Eigen/Dense>

struct BatchNormTrainResult {
  Eigen::MatrixXd Y;             // N×D
  Eigen::VectorXd running_mean;  // D, (1 − m)·running_mean + m·μ
  Eigen::VectorXd running_var;   // D, (1 − m)·running_var + m·σ²·N/(N − 1)
};

struct BatchNormGrads {
  Eigen::MatrixXd dX;      // N×D
  Eigen::VectorXd dgamma;  // D
  Eigen::VectorXd dbeta;   // D
};

// Training: normalise each column with the batch's biased statistics; update running stats.
BatchNormTrainResult batchnorm_train(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                                     const Eigen::VectorXd& beta,
                                     const Eigen::VectorXd& running_mean,
                                     const Eigen::VectorXd& running_var, double momentum,
                                     double eps);

// Evaluation: normalise with the running statistics.
Eigen::MatrixXd batchnorm_eval(const Eigen::MatrixXd& X, const Eigen::VectorXd& gamma,
                               const Eigen::VectorXd& beta, const Eigen::VectorXd& running_mean,
                               const Eigen::VectorXd& running_var, double eps);

// Gradients of the training-mode forward given dY (N×D); recomputes the statistics from X.
BatchNormGrads batchnorm_backward(const Eigen::MatrixXd& dY, const Eigen::MatrixXd& X,
                                  const Eigen::VectorXd& gamma, double eps);
