// Similarity of submissions (docs/report.md, "Similarity"): identical sources after removing
// comments and whitespace, and near-duplicates by winnowed k-gram fingerprints (Schleimer,
// Wilkerson, Aiken: "Winnowing: local algorithms for document fingerprinting", SIGMOD 2003, the
// method of MOSS) over a token stream in which identifiers become I and literals L, so renaming
// variables or changing constants does not hide a copy. The starter's fingerprints are removed
// first: code every learner was given makes no one similar. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace reports {

inline constexpr size_t kGramTokens = 5;  // k: tokens per k-gram
inline constexpr size_t kWindow = 4;      // w: k-grams per winnowing window

struct SimilarityPair {
  std::string a, b;  // learners, a < b
  double similarity = 0;
  bool identical = false;  // same source after normalisation
};

// Connected components of the pairs at or above the threshold, within one problem.
struct SimilarityCluster {
  std::string problem_id;
  std::vector<std::string> learners;  // sorted
  std::vector<SimilarityPair> pairs;  // highest similarity first
};

struct SimilarityInput {
  std::string learner;
  std::string source;
};

// The source without comments and whitespace outside literals.
std::string NormaliseSource(const std::string& source);
// Tokens: identifiers "I", literals "L", keywords and punctuation as written; no comments.
std::vector<std::string> Tokenize(const std::string& source);
// The winnowed fingerprints of a token stream, sorted and distinct.
std::vector<uint64_t> Fingerprints(const std::vector<std::string>& tokens);
// |A ∩ B| / |A ∪ B| of two sorted fingerprint sets after removing `excluded` (sorted); 0 when
// either is empty after the removal.
double Similarity(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b,
                  const std::vector<uint64_t>& excluded);

// Clusters among `inputs` (one per learner) of `problem_id`. REQUIRES: 0 < threshold <= 1.
std::vector<SimilarityCluster> FindClusters(const std::string& problem_id,
                                            const std::vector<SimilarityInput>& inputs,
                                            const std::string& starter, double threshold);

}  // namespace reports
