#include "grader/link_errors.h"

#include <set>

namespace grader {
namespace {

// The text between the quotes of GNU ld's "`name'" (or "'name'").
std::string Quoted(const std::string& line, size_t from) {
  const size_t open = line.find_first_of("`'", from);
  if (open == std::string::npos) return "";
  const size_t close = line.rfind('\'');
  if (close == std::string::npos || close <= open) return "";
  return line.substr(open + 1, close - open - 1);
}

}  // namespace

std::string ExplainLinkErrors(const std::string& compiler_output) {
  std::string sentences;
  std::set<std::string> missing;
  bool main_defined = false;
  size_t start = 0;
  while (start < compiler_output.size()) {
    size_t end = compiler_output.find('\n', start);
    if (end == std::string::npos) end = compiler_output.size();
    const std::string line = compiler_output.substr(start, end - start);
    start = end + 1;
    if (const size_t at = line.find("multiple definition of "); at != std::string::npos) {
      if (Quoted(line, at) == "main") main_defined = true;
    } else if (line.ends_with("duplicate symbol: main")) {  // lld
      main_defined = true;
    } else if (const size_t ref = line.find("undefined reference to "); ref != std::string::npos) {
      const std::string symbol = Quoted(line, ref);
      if (!symbol.empty()) missing.insert(symbol.substr(0, symbol.find('(')));
    } else if (const size_t sym = line.find("undefined symbol: "); sym != std::string::npos) {
      const std::string symbol = line.substr(sym + 18);
      missing.insert(symbol.substr(0, symbol.find('(')));
    }
  }
  if (main_defined) {
    sentences +=
        "Your file defines main(). Remove it: the grader has its own main() that calls your "
        "functions on the tests.\n";
  }
  for (const std::string& name : missing) {
    sentences += "Your file does not define " + name +
                 "() as the problem declares it (see api.h, or `grader problems starter`): check "
                 "its name, its parameter types and their const&.\n";
  }
  return sentences;
}

}  // namespace grader
