// train_char_lm: the data of a run (the training text and held-out contexts of corpus.h) and a
// reference model. Tests are scored by tiers of held-out bits per character
// (docs/problem-format.md, "Training problems: tier scoring"): the grader asks this pack's entry
// "held_out_text" for each test's data, sends the program train_text, contexts and vocab, and
// keeps next, the characters that followed the contexts.
#include <Eigen/Dense>
#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "adapter.h"
#include "corpus.h"
#include "reference/pack.h"

namespace problems::train_char_lm {
namespace {

// The alphabet: id = position in this string (statement.md).
constexpr std::string_view kAlphabet = " abcdefghijklmnopqrstuvwxyz.,;:?!'";

// SplitMix64 (Steele, Lea, Flood 2014): the data's only randomness (crosscheck.py recomputes it).
struct SplitMix64 {
  uint64_t state;
  uint64_t Next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

// Paragraph i of the corpus is held out when i % 6 == 5; each part is its paragraphs joined by
// one space, as character ids.
void SplitCorpus(std::vector<int>* train, std::vector<int>* held) {
  std::istringstream lines{std::string(kCorpus)};
  std::string line;
  for (int i = 0; std::getline(lines, line); ++i) {
    std::vector<int>* part = i % 6 == 5 ? held : train;
    if (!part->empty()) part->push_back(0);  // the space between paragraphs
    for (char ch : line) {
      const size_t id = kAlphabet.find(ch);
      if (id == std::string_view::npos) {
        throw reference::EntryError("corpus.h: a character outside the alphabet");
      }
      part->push_back(static_cast<int>(id));
    }
  }
}

// The data entry: K positions p drawn uniformly from [W, |held|) with data_seed; contexts row k
// = held[p−W .. p−1], next(k) = held[p].
reference::Tensors HeldOutText(const reference::Tensors& in) {
  using namespace reference;
  const int64_t K = in.at("contexts").rows, W = in.at("contexts").cols;
  std::vector<int> train, held;
  SplitCorpus(&train, &held);
  SplitMix64 rng{static_cast<uint64_t>(AsScalar(in, "data_seed"))};
  const uint64_t span = held.size() - static_cast<uint64_t>(W);
  Eigen::MatrixXd contexts(K, W);
  Eigen::VectorXd next(K);
  for (int64_t k = 0; k < K; ++k) {
    const int64_t p = W + static_cast<int64_t>(rng.Next() % span);
    for (int64_t j = 0; j < W; ++j) contexts(k, j) = held[p - W + j];
    next(k) = held[p];
  }
  Eigen::VectorXd text(static_cast<Eigen::Index>(train.size()));
  for (size_t i = 0; i < train.size(); ++i) text(static_cast<Eigen::Index>(i)) = train[i];
  Tensor text_labels = FromVector(text), next_labels = FromVector(next);
  text_labels.kind = next_labels.kind = TensorKind::kLabels;
  return {{"train_text", text_labels}, {"contexts", FromMatrix(contexts)}, {"next", next_labels}};
}

struct CharModel {
  // Interpolated n-gram model of order W + 1 with Dirichlet smoothing, lowest order first:
  //   p₀(c) = 1/V,  pₙ(c | h) = (count(h c) + k·V·pₙ₋₁(c | h')) / (count(h) + k·V),
  // h the last n characters of the context, h' its last n − 1, k = 0.5 (MacKay & Peto 1995).
  static Eigen::MatrixXd predict_next_char(const Eigen::VectorXi& train_text,
                                           const Eigen::MatrixXd& contexts, int vocab) {
    constexpr double k = 0.5;
    const int64_t W = contexts.cols();
    std::vector<std::map<std::vector<int>, double>> counts(W + 1), totals(W + 1);
    for (int64_t n = 0; n <= W; ++n) {
      for (int64_t i = n; i < train_text.size(); ++i) {
        std::vector<int> gram(train_text.data() + i - n, train_text.data() + i + 1);
        counts[n][gram] += 1.0;
        gram.pop_back();
        totals[n][gram] += 1.0;
      }
    }
    Eigen::MatrixXd probs(contexts.rows(), vocab);
    for (Eigen::Index r = 0; r < contexts.rows(); ++r) {
      Eigen::RowVectorXd p = Eigen::RowVectorXd::Constant(vocab, 1.0 / vocab);
      for (int64_t n = 0; n <= W; ++n) {
        std::vector<int> h;
        for (int64_t j = W - n; j < W; ++j) h.push_back(static_cast<int>(contexts(r, j)));
        const auto total = totals[n].find(h);
        const double seen = total == totals[n].end() ? 0.0 : total->second;
        Eigen::RowVectorXd next(vocab);
        for (int c = 0; c < vocab; ++c) {
          std::vector<int> gram = h;
          gram.push_back(c);
          const auto count = counts[n].find(gram);
          next(c) = ((count == counts[n].end() ? 0.0 : count->second) + k * vocab * p(c)) /
                    (seen + k * vocab);
        }
        p = next;
      }
      probs.row(r) = p;
    }
    return probs;
  }
};

reference::Tensors Pack(std::string_view entry, const reference::Tensors& in) {
  if (entry == "held_out_text") return HeldOutText(in);
  return Call<CharModel>(entry, in);
}

}  // namespace

GRADER_PACK(Pack, {})

}  // namespace problems::train_char_lm
