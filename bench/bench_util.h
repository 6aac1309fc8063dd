// Helpers shared by the service benchmarks (service_load.cc, queue_bench.cc): files, random ids,
// percentiles and the JSON body of a relu submission.
#pragma once

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace bench {

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A secret file as the service wants it: owner read/write only.
inline void WriteSecret(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path) << text << "\n";
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

inline std::string RandomHex(size_t bytes) {
  static thread_local std::mt19937_64 rng(std::random_device{}());
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes * 2; ++i) out += digits[rng() % 16];
  return out;
}

// The value below which a fraction p of `values` lies (0 for none).
inline double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index =
      std::min(values.size() - 1, static_cast<size_t>(p * static_cast<double>(values.size())));
  return values[index];
}

// {"problem":"relu","learner":...,"source":...[,"callback_url":...]} with the source escaped.
inline std::string ReluSubmissionBody(const std::string& learner, const std::string& source,
                                      const std::string& callback_url = "") {
  std::string body = R"({"problem":"relu","learner":")" + learner + R"(","source":")";
  for (char c : source) {
    if (c == '"' || c == '\\') body += '\\';
    if (c == '\n') {
      body += "\\n";
      continue;
    }
    body += c;
  }
  body += "\"";
  if (!callback_url.empty()) body += R"(,"callback_url":")" + callback_url + "\"";
  return body + "}";
}

}  // namespace bench
