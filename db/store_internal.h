// Helpers shared by the store's source files. Internal to db/.
#pragma once

#include <string>
#include <vector>

namespace db {

// Skills are stored as one space-separated TEXT column (skill ids contain no spaces).
inline std::string JoinSkills(const std::vector<std::string>& skills) {
  std::string out;
  for (const std::string& s : skills) out += (out.empty() ? "" : " ") + s;
  return out;
}

inline std::vector<std::string> SplitSkills(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace db
