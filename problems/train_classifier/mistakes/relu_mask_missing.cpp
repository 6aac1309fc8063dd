// Mistake: the backward pass skips the ReLU: dZ1 = dZ2 W2ᵀ without the mask [Z1 > 0], so the
// first layer follows the gradient of a different (linear) network.
#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <vector>

Eigen::VectorXd train_and_predict(const Eigen::MatrixXd& X_train, const Eigen::VectorXi& y_train,
                                  const Eigen::MatrixXd& X_test, int classes, int seed) {
  const int H = 32, epochs = 200, batch = 8;
  const double lr = 1.0;
  const int N = static_cast<int>(X_train.rows()), D = static_cast<int>(X_train.cols());
  const int C = classes;
  std::mt19937 gen(static_cast<unsigned>(seed));
  std::normal_distribution<double> normal(0.0, 1.0);

  // He initialisation for the ReLU layer, 1/H for the output layer; zero biases.
  Eigen::MatrixXd W1(D, H), W2(H, C);
  for (int i = 0; i < W1.size(); ++i) W1.data()[i] = normal(gen) * std::sqrt(2.0 / D);
  for (int i = 0; i < W2.size(); ++i) W2.data()[i] = normal(gen) * std::sqrt(1.0 / H);
  Eigen::RowVectorXd b1 = Eigen::RowVectorXd::Zero(H), b2 = Eigen::RowVectorXd::Zero(C);

  std::vector<int> order(N);
  std::iota(order.begin(), order.end(), 0);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    std::shuffle(order.begin(), order.end(), gen);  // the data arrive sorted by class
    for (int start = 0; start < N; start += batch) {
      const int b = std::min(batch, N - start);
      Eigen::MatrixXd X(b, D);
      Eigen::MatrixXd Y = Eigen::MatrixXd::Zero(b, C);
      for (int r = 0; r < b; ++r) {
        X.row(r) = X_train.row(order[start + r]);
        Y(r, y_train(order[start + r])) = 1.0;
      }
      // forward
      Eigen::MatrixXd Z1 = (X * W1).rowwise() + b1;
      Eigen::MatrixXd A1 = Z1.cwiseMax(0.0);
      Eigen::MatrixXd Z2 = (A1 * W2).rowwise() + b2;
      Eigen::MatrixXd P = (Z2.colwise() - Z2.rowwise().maxCoeff()).array().exp();
      P = P.array().colwise() / P.rowwise().sum().array();
      // backward (mean loss over the batch)
      Eigen::MatrixXd dZ2 = (P - Y) / b;
      Eigen::MatrixXd dW2 = A1.transpose() * dZ2;
      Eigen::RowVectorXd db2 = dZ2.colwise().sum();
      Eigen::MatrixXd dZ1 = dZ2 * W2.transpose();
      Eigen::MatrixXd dW1 = X.transpose() * dZ1;
      Eigen::RowVectorXd db1 = dZ1.colwise().sum();
      // update
      W1 -= lr * dW1;
      b1 -= lr * db1;
      W2 -= lr * dW2;
      b2 -= lr * db2;
    }
  }

  Eigen::MatrixXd scores = (((X_test * W1).rowwise() + b1).cwiseMax(0.0) * W2).rowwise() + b2;
  Eigen::VectorXd predicted(X_test.rows());
  for (int r = 0; r < scores.rows(); ++r) {
    Eigen::Index k = 0;
    scores.row(r).maxCoeff(&k);
    predicted(r) = static_cast<double>(k);
  }
  return predicted;
}
