// train_classifier: the data of a training run (the three spirals of statement.md) and a
// reference training loop. Tests of this problem are scored by tiers on held-out labels
// (docs/problem-format.md, "Training problems: tier scoring"): the grader asks this pack's
// entry "spirals" for each test's data, sends the program X_train, y_train, X_test and seed,
// and keeps y_test.
#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <vector>

#include "adapter.h"
#include "reference/pack.h"

namespace problems::train_classifier {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kNoise = 0.12;  // standard deviation of the angle noise (radians)

// SplitMix64 (Steele, Lea, Flood 2014): the data's only source of randomness, simple enough to
// be recomputed in crosscheck.py.
struct SplitMix64 {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }  // [0, 1)
  // Box–Muller, one normal per two uniforms: √(−2 ln(1 − u₁)) · cos(2π u₂).
  double Normal() {
    const double u1 = Uniform(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(1.0 - u1)) * std::cos(2.0 * kPi * u2);
  }
};

// One point of class c of C: t ~ U[0, 1), θ = 2πc/C + 4t + 0.12 z, z ~ N(0, 1);
// x = (t cos θ, t sin θ).
void SpiralPoint(SplitMix64& rng, int c, int C, double* x) {
  const double t = rng.Uniform();
  const double theta = 2.0 * kPi * c / C + 4.0 * t + kNoise * rng.Normal();
  x[0] = t * std::cos(theta);
  x[1] = t * std::sin(theta);
}

// The data entry: from the drawn shapes (N, M), classes and data_seed, the class-sorted training
// set, the shuffled test set, its labels (the target, kept by the grader) and the program's seed.
reference::Tensors Spirals(const reference::Tensors& in) {
  using namespace reference;
  const int C = static_cast<int>(AsScalar(in, "classes"));
  const int64_t N = in.at("X_train").rows, M = in.at("X_test").rows;
  if (C < 2 || N % C != 0 || M % C != 0) throw EntryError("N and M must be multiples of classes");
  SplitMix64 rng{static_cast<uint64_t>(AsScalar(in, "data_seed"))};
  const double seed = 1.0 + static_cast<double>(rng.Next() % 1000000);
  Eigen::MatrixXd X_train(N, 2), X_test(M, 2);
  Eigen::VectorXd y_train(N), y_test(M);
  for (int64_t i = 0; i < N; ++i) {  // class-sorted: N/C points of class 0, then class 1, ...
    const int c = static_cast<int>(i / (N / C));
    double x[2];
    SpiralPoint(rng, c, C, x);
    X_train.row(i) << x[0], x[1];
    y_train(i) = c;
  }
  for (int64_t i = 0; i < M; ++i) {  // classes 0, 1, ..., C−1, 0, 1, ... then shuffled
    const int c = static_cast<int>(i % C);
    double x[2];
    SpiralPoint(rng, c, C, x);
    X_test.row(i) << x[0], x[1];
    y_test(i) = c;
  }
  for (int64_t i = M - 1; i > 0; --i) {  // Fisher–Yates: j uniform in [0, i]
    const int64_t j = static_cast<int64_t>(rng.Uniform() * static_cast<double>(i + 1));
    X_test.row(i).swap(X_test.row(j));
    std::swap(y_test(i), y_test(j));
  }
  Tensor labels_train = FromVector(y_train), labels_test = FromVector(y_test);
  labels_train.kind = labels_test.kind = TensorKind::kLabels;
  return {{"X_train", FromMatrix(X_train)},
          {"y_train", labels_train},
          {"X_test", FromMatrix(X_test)},
          {"y_test", labels_test},
          {"seed", FromScalar(seed)}};
}

struct Classifier {
  // A 2 → H → C MLP, ReLU, softmax cross-entropy, plain mini-batch SGD on shuffled batches.
  static Eigen::VectorXd train_and_predict(const Eigen::MatrixXd& X_train,
                                           const Eigen::VectorXi& y_train,
                                           const Eigen::MatrixXd& X_test, int classes, int seed) {
    constexpr int H = 32, kEpochs = 200, B = 8;
    constexpr double lr = 1.0;
    const int64_t N = X_train.rows(), D = X_train.cols(), C = classes;
    SplitMix64 rng{static_cast<uint64_t>(seed)};
    // He initialisation: W1 ~ N(0, 2/D), W2 ~ N(0, 1/H); biases 0.
    Eigen::MatrixXd W1(D, H), W2(H, C);
    for (Eigen::Index i = 0; i < W1.size(); ++i) W1.data()[i] = rng.Normal() * std::sqrt(2.0 / D);
    for (Eigen::Index i = 0; i < W2.size(); ++i) W2.data()[i] = rng.Normal() * std::sqrt(1.0 / H);
    Eigen::RowVectorXd b1 = Eigen::RowVectorXd::Zero(H), b2 = Eigen::RowVectorXd::Zero(C);
    std::vector<int64_t> order(static_cast<size_t>(N));
    std::iota(order.begin(), order.end(), 0);
    for (int epoch = 0; epoch < kEpochs; ++epoch) {
      for (int64_t i = N - 1; i > 0; --i) {  // a fresh shuffle each epoch
        std::swap(order[i], order[static_cast<size_t>(rng.Uniform() * (i + 1))]);
      }
      for (int64_t start = 0; start < N; start += B) {
        const int64_t b = std::min<int64_t>(B, N - start);
        Eigen::MatrixXd X(b, D);
        Eigen::MatrixXd Y = Eigen::MatrixXd::Zero(b, C);  // one-hot labels
        for (int64_t r = 0; r < b; ++r) {
          X.row(r) = X_train.row(order[start + r]);
          Y(r, y_train(order[start + r])) = 1.0;
        }
        // Forward: Z1 = X W1 + b1, A1 = max(Z1, 0), Z2 = A1 W2 + b2, P = softmax(Z2) row-wise.
        const Eigen::MatrixXd Z1 = (X * W1).rowwise() + b1;
        const Eigen::MatrixXd A1 = Z1.cwiseMax(0.0);
        const Eigen::MatrixXd Z2 = (A1 * W2).rowwise() + b2;
        Eigen::MatrixXd P = (Z2.colwise() - Z2.rowwise().maxCoeff()).array().exp();
        P = P.array().colwise() / P.rowwise().sum().array();
        // Backward of the mean cross-entropy: dZ2 = (P − Y)/b, dZ1 = (dZ2 W2ᵀ) ⊙ [Z1 > 0].
        const Eigen::MatrixXd dZ2 = (P - Y) / static_cast<double>(b);
        const Eigen::MatrixXd dZ1 =
            (dZ2 * W2.transpose()).cwiseProduct((Z1.array() > 0).cast<double>().matrix());
        // SGD: θ ← θ − lr ∂L/∂θ.
        W2 -= lr * A1.transpose() * dZ2;
        b2 -= lr * dZ2.colwise().sum();
        W1 -= lr * X.transpose() * dZ1;
        b1 -= lr * dZ1.colwise().sum();
      }
    }
    const Eigen::MatrixXd Z2 = (((X_test * W1).rowwise() + b1).cwiseMax(0.0) * W2).rowwise() + b2;
    Eigen::VectorXd predicted(X_test.rows());
    for (Eigen::Index r = 0; r < Z2.rows(); ++r) {
      Eigen::Index k = 0;
      Z2.row(r).maxCoeff(&k);
      predicted(r) = static_cast<double>(k);
    }
    return predicted;
  }
};

reference::Tensors Pack(std::string_view entry, const reference::Tensors& in) {
  if (entry == "spirals") return Spirals(in);
  return Call<Classifier>(entry, in);
}

}  // namespace

GRADER_PACK(Pack, {})

}  // namespace problems::train_classifier
