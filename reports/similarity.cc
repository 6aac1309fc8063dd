#include "reports/similarity.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <numeric>
#include <set>
#include <string_view>
#include <unordered_map>

namespace reports {
namespace {

bool IsIdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IsIdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The C++ keywords and the few standard names whose change alters meaning. Everything else
// that looks like a name is an identifier.
const std::set<std::string_view>& Keywords() {
  static const std::set<std::string_view> kKeywords = {
      "auto",    "bool",     "break",    "case",   "char",   "const",   "constexpr", "continue",
      "default", "delete",   "do",       "double", "else",   "enum",    "false",     "float",
      "for",     "if",       "include",  "inline", "int",    "long",    "namespace", "new",
      "nullptr", "operator", "return",   "short",  "signed", "sizeof",  "static",    "static_cast",
      "struct",  "switch",   "template", "this",   "true",   "typedef", "typename",  "unsigned",
      "using",   "void",     "while",    "std",    "Eigen",  "size_t"};
  return kKeywords;
}

// End of a quoted literal starting at `i` (the quote), past the closing quote.
size_t SkipQuoted(const std::string& s, size_t i) {
  const char quote = s[i++];
  while (i < s.size() && s[i] != quote && s[i] != '\n') i += s[i] == '\\' ? 2 : 1;
  return std::min(s.size(), i + 1);
}

// Calls on_token(kind, begin, end) for each token; kind: 'I', 'L', 'K' (keyword), 'P'.
template <typename F>
void Scan(const std::string& s, F on_token) {
  size_t i = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (s.compare(i, 2, "//") == 0) {
      while (i < s.size() && s[i] != '\n') ++i;
    } else if (s.compare(i, 2, "/*") == 0) {
      const size_t end = s.find("*/", i + 2);
      i = end == std::string::npos ? s.size() : end + 2;
    } else if (c == '"' || c == '\'') {
      const size_t end = SkipQuoted(s, i);
      on_token('L', i, end);
      i = end;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && i + 1 < s.size() &&
                std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      size_t end = i + 1;
      while (end < s.size() &&
             (IsIdentChar(s[end]) || s[end] == '.' || s[end] == '\'' ||
              ((s[end] == '+' || s[end] == '-') && (s[end - 1] == 'e' || s[end - 1] == 'E')))) {
        ++end;
      }
      on_token('L', i, end);
      i = end;
    } else if (IsIdentStart(c)) {
      size_t end = i + 1;
      while (end < s.size() && IsIdentChar(s[end])) ++end;
      on_token(Keywords().count(std::string_view(s).substr(i, end - i)) ? 'K' : 'I', i, end);
      i = end;
    } else {
      on_token('P', i, i + 1);
      ++i;
    }
  }
}

uint64_t Fnv1a(std::string_view text, uint64_t hash = 1469598103934665603ULL) {
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

}  // namespace

std::string NormaliseSource(const std::string& source) {
  std::string out;
  out.reserve(source.size());
  // Tokens joined by one space where two names or numbers would otherwise merge.
  char last = 'P';
  Scan(source, [&](char kind, size_t begin, size_t end) {
    if (kind != 'P' && last != 'P') out += ' ';
    out.append(source, begin, end - begin);
    last = kind;
  });
  return out;
}

std::vector<std::string> Tokenize(const std::string& source) {
  std::vector<std::string> tokens;
  Scan(source, [&](char kind, size_t begin, size_t end) {
    if (kind == 'I')
      tokens.emplace_back("I");
    else if (kind == 'L')
      tokens.emplace_back("L");
    else
      tokens.push_back(source.substr(begin, end - begin));
  });
  return tokens;
}

std::vector<uint64_t> Fingerprints(const std::vector<std::string>& tokens) {
  std::vector<uint64_t> token_hash(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) token_hash[i] = Fnv1a(tokens[i]);
  if (tokens.size() < kGramTokens) return {};
  std::vector<uint64_t> grams(tokens.size() - kGramTokens + 1);
  for (size_t i = 0; i < grams.size(); ++i) {
    uint64_t h = 1469598103934665603ULL;
    for (size_t j = 0; j < kGramTokens; ++j) h = (h ^ token_hash[i + j]) * 1099511628211ULL;
    grams[i] = h;
  }
  // Winnowing: the minimum of every window of w consecutive k-grams (the rightmost on ties);
  // a document of fewer than w k-grams keeps its minimum.
  std::vector<uint64_t> out;
  const size_t windows = grams.size() >= kWindow ? grams.size() - kWindow + 1 : 1;
  const size_t width = std::min(kWindow, grams.size());
  for (size_t start = 0; start < windows; ++start) {
    size_t best = start;
    for (size_t j = start; j < start + width; ++j) {
      if (grams[j] <= grams[best]) best = j;
    }
    out.push_back(grams[best]);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// |x ∩ y| / |x ∪ y| of two sorted, distinct, non-empty sets, without allocating.
double Jaccard(const std::vector<uint64_t>& x, const std::vector<uint64_t>& y) {
  size_t common = 0;
  for (size_t i = 0, j = 0; i < x.size() && j < y.size();) {
    if (x[i] == y[j]) {
      ++common, ++i, ++j;
    } else if (x[i] < y[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(x.size() + y.size() - common);
}

}  // namespace

double Similarity(const std::vector<uint64_t>& a, const std::vector<uint64_t>& b,
                  const std::vector<uint64_t>& excluded) {
  auto without = [&](const std::vector<uint64_t>& v) {
    std::vector<uint64_t> kept;
    std::set_difference(v.begin(), v.end(), excluded.begin(), excluded.end(),
                        std::back_inserter(kept));
    return kept;
  };
  const std::vector<uint64_t> x = without(a), y = without(b);
  if (x.empty() || y.empty()) return 0;
  return Jaccard(x, y);
}

std::vector<SimilarityCluster> FindClusters(const std::string& problem_id,
                                            const std::vector<SimilarityInput>& inputs,
                                            const std::string& starter, double threshold) {
  const size_t n = inputs.size();
  const std::vector<uint64_t> starter_prints = Fingerprints(Tokenize(starter));
  std::vector<std::vector<uint64_t>> prints(n);
  std::vector<std::string> normalised(n);
  for (size_t i = 0; i < n; ++i) {
    const std::vector<uint64_t> all = Fingerprints(Tokenize(inputs[i].source));
    std::set_difference(all.begin(), all.end(), starter_prints.begin(), starter_prints.end(),
                        std::back_inserter(prints[i]));
    normalised[i] = NormaliseSource(inputs[i].source);
  }
  const std::string normalised_starter = NormaliseSource(starter);
  // Union-find over the learners joined by a pair.
  std::vector<size_t> parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  auto find = [&](size_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  };
  // Shared fingerprints counted through an inverted index, so that a pair costs nothing unless
  // the two have a fingerprint in common: |A ∩ B| = common[j] while visiting i.
  std::unordered_map<uint64_t, std::vector<size_t>> postings;
  for (size_t i = 0; i < n; ++i) {
    for (uint64_t f : prints[i]) postings[f].push_back(i);
  }
  std::vector<size_t> common(n);
  std::vector<std::pair<size_t, SimilarityPair>> pairs;  // (component of a, pair)
  for (size_t i = 0; i < n; ++i) {
    if (prints[i].empty()) continue;  // nothing beyond the starter
    std::fill(common.begin(), common.end(), 0);
    for (uint64_t f : prints[i]) {
      for (size_t j : postings[f]) common[j] += j > i ? 1 : 0;
    }
    for (size_t j = i + 1; j < n; ++j) {
      if (common[j] == 0) continue;
      const bool identical = normalised[i] == normalised[j] && normalised[i] != normalised_starter;
      const double s =
          identical ? 1.0
                    : static_cast<double>(common[j]) /
                          static_cast<double>(prints[i].size() + prints[j].size() - common[j]);
      if (s < threshold) continue;
      SimilarityPair pair{inputs[i].learner, inputs[j].learner, s, identical};
      if (pair.b < pair.a) std::swap(pair.a, pair.b);
      pairs.push_back({i, pair});
      parent[find(i)] = find(j);
    }
  }
  std::map<size_t, SimilarityCluster> by_root;
  for (auto& [i, pair] : pairs) by_root[find(i)].pairs.push_back(pair);
  std::vector<SimilarityCluster> out;
  for (auto& [root, cluster] : by_root) {
    cluster.problem_id = problem_id;
    std::set<std::string> names;
    for (const SimilarityPair& p : cluster.pairs) names.insert({p.a, p.b});
    cluster.learners.assign(names.begin(), names.end());
    std::sort(cluster.pairs.begin(), cluster.pairs.end(), [](const auto& x, const auto& y) {
      return x.similarity != y.similarity ? x.similarity > y.similarity
                                          : std::tie(x.a, x.b) < std::tie(y.a, y.b);
    });
    out.push_back(std::move(cluster));
  }
  std::sort(out.begin(), out.end(),
            [](const auto& x, const auto& y) { return x.learners < y.learners; });
  return out;
}

}  // namespace reports
