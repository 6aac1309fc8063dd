#include "reports/escape.h"

#include <cctype>
#include <cstdint>
#include <cstdio>

namespace reports {

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string CsvCell(std::string_view text) {
  std::string cell(text);
  if (!cell.empty() && (cell[0] == '=' || cell[0] == '+' || cell[0] == '-' || cell[0] == '@' ||
                        cell[0] == '\t' || cell[0] == '\r')) {
    cell.insert(cell.begin(), '\'');
  }
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string LearnerFileName(std::string_view learner) {
  std::string safe;
  for (char c : learner) {
    if (safe.size() >= 40) break;
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '_') safe += c;
  }
  uint32_t hash = 2166136261u;  // FNV-1a: distinct names that sanitise alike stay apart
  for (unsigned char c : learner) hash = (hash ^ c) * 16777619u;
  char hex[9];
  std::snprintf(hex, sizeof(hex), "%08x", hash);
  return "learner-" + safe + "-" + hex + ".html";
}

}  // namespace reports
