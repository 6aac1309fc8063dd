#include "grader/source_policy.h"

#include <cctype>
#include <string_view>
#include <vector>

namespace grader {
namespace {

// The source as the preprocessor's later phases see it: splices joined, comments replaced by a
// space (line breaks kept, so line numbers stay right), string and character literals intact.
std::string Normalize(const std::string& source) {
  std::string joined;
  joined.reserve(source.size());
  std::vector<size_t> pending_newlines;  // splices removed: re-add their newlines after the line
  size_t removed = 0;
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\\') {
      size_t j = i + 1;
      while (j < source.size() && (source[j] == ' ' || source[j] == '\t' || source[j] == '\r')) {
        ++j;
      }
      if (j < source.size() && source[j] == '\n') {
        i = j;
        ++removed;
        continue;
      }
    }
    joined += source[i];
    if (source[i] == '\n' && removed > 0) {
      joined.append(removed, '\n');
      removed = 0;
    }
  }
  std::string out;
  out.reserve(joined.size());
  for (size_t i = 0; i < joined.size(); ++i) {
    const char c = joined[i];
    if (c == '"' || c == '\'') {
      // A literal: copied to its closing quote, escapes included, so that "//" or "/*" inside
      // it is not taken for a comment.
      out += c;
      for (++i; i < joined.size() && joined[i] != c && joined[i] != '\n'; ++i) {
        out += joined[i];
        if (joined[i] == '\\' && i + 1 < joined.size()) out += joined[++i];
      }
      if (i < joined.size()) out += joined[i];
      continue;
    }
    if (c == '/' && i + 1 < joined.size() && joined[i + 1] == '/') {
      while (i < joined.size() && joined[i] != '\n') ++i;
      out += '\n';
      continue;
    }
    if (c == '/' && i + 1 < joined.size() && joined[i + 1] == '*') {
      out += ' ';
      for (i += 2; i + 1 < joined.size() && !(joined[i] == '*' && joined[i + 1] == '/'); ++i) {
        if (joined[i] == '\n') out += '\n';
      }
      ++i;
      continue;
    }
    out += c;
  }
  return out;
}

bool IsIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

size_t SkipSpaces(std::string_view text, size_t at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t' || text[at] == '\r')) ++at;
  return at;
}

int LineOf(const std::string& text, size_t at) {
  int line = 1;
  for (size_t i = 0; i < at && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

base::Status Reject(const std::string& text, size_t at, const std::string& what) {
  return base::Status::InvalidArgument("line " + std::to_string(LineOf(text, at)) + ": " + what +
                                       " is not allowed");
}

// The operand of an include-like construct at `at`: a literal "..." or <...>.
base::Status CheckPathOperand(const std::string& text, size_t at, const std::string& what) {
  at = SkipSpaces(text, at);
  if (at >= text.size() || (text[at] != '"' && text[at] != '<')) {
    return Reject(text, at, "a computed " + what + " (not a literal \"...\" or <...>)");
  }
  const char close = text[at] == '"' ? '"' : '>';
  const size_t end = text.find(close, at + 1);
  if (end == std::string::npos || text.find('\n', at) < end) {
    return Reject(text, at, "an unterminated " + what);
  }
  const std::string path = text.substr(at + 1, end - at - 1);
  if (!path.empty() && path[0] == '/') {
    return Reject(text, at, what + " of an absolute path (\"" + path + "\")");
  }
  if (path.find("..") != std::string::npos) {
    return Reject(text, at, what + " of a path containing \"..\" (\"" + path + "\")");
  }
  return base::Status::Ok();
}

// Occurrences of the identifier `word` (not part of a longer identifier).
std::vector<size_t> FindWord(const std::string& text, std::string_view word) {
  std::vector<size_t> found;
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const bool starts = at == 0 || !IsIdentifierChar(text[at - 1]);
    const bool ends = at + word.size() >= text.size() || !IsIdentifierChar(text[at + word.size()]);
    if (starts && ends) found.push_back(at);
  }
  return found;
}

}  // namespace

base::Status CheckSourcePolicy(const std::string& source) {
  const std::string text = Normalize(source);
  // Directives: a line whose first token is # (or the digraph %:).
  size_t line_start = 0;
  while (line_start < text.size()) {
    size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    size_t at = SkipSpaces(text, line_start);
    if (text.compare(at, 1, "#") == 0 || text.compare(at, 2, "%:") == 0) {
      at = SkipSpaces(text, at + (text[at] == '#' ? 1 : 2));
      size_t name_end = at;
      while (name_end < line_end && IsIdentifierChar(text[name_end])) ++name_end;
      const std::string directive = text.substr(at, name_end - at);
      if (directive == "include" || directive == "include_next" || directive == "import") {
        RETURN_IF_ERROR(CheckPathOperand(text, name_end, "#" + directive));
      }
    }
    line_start = line_end + 1;
  }
  for (std::string_view probe : {"__has_include", "__has_include_next"}) {
    for (size_t at : FindWord(text, probe)) {
      size_t open = SkipSpaces(text, at + probe.size());
      if (open >= text.size() || text[open] != '(') continue;  // "#ifdef __has_include" is fine
      RETURN_IF_ERROR(CheckPathOperand(text, open + 1, std::string(probe)));
    }
  }
  for (std::string_view keyword : {"asm", "__asm", "__asm__"}) {
    const std::vector<size_t> found = FindWord(text, keyword);
    if (!found.empty())
      return Reject(text, found[0], "inline assembly (" + std::string(keyword) + ")");
  }
  for (std::string_view directive : {".incbin", ".include"}) {
    const size_t at = text.find(directive);
    if (at != std::string::npos) {
      return Reject(text, at, "the assembler directive " + std::string(directive));
    }
  }
  return base::Status::Ok();
}

}  // namespace grader
