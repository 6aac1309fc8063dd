// `problems new ID --pattern P`: scaffolds a problem pack from the shipped problem that shows the
// call pattern best (docs/problem-packs.md). The copy is a working problem from the first
// minute (it validates and grades); the author then renames its functions and rewrites its
// statement, tests, reference and mistakes.
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>

#include "grader/cli/commands.h"
#include "grader/resources.h"

namespace grader::cli {
namespace {

namespace fs = std::filesystem;

// The shipped example of each call pattern (problem-format.md, "Functions, structs and call
// patterns").
const std::map<std::string, std::string>& Examples() {
  static const std::map<std::string, std::string> examples = {
      {"call", "sigmoid"},      {"mode", "dropout"},        {"sequence", "momentum_step"},
      {"sweep", "lr_schedule"}, {"list", "clip_grad_norm"},
  };
  return examples;
}

bool IsIdentifier(const std::string& s) {
  return std::regex_match(s, std::regex("[A-Za-z_][A-Za-z0-9_]{0,63}"));
}

std::string Read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool Write(const fs::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  return static_cast<bool>(out);
}

}  // namespace

int ProblemsNew(const GlobalOptions& global, const std::string& id, const std::string& pattern) {
  auto example = Examples().find(pattern);
  if (example == Examples().end()) {
    std::string known;
    for (const auto& [name, problem] : Examples()) known += (known.empty() ? "" : ", ") + name;
    return InputError("unknown pattern \"" + pattern + "\" (known: " + known + ")");
  }
  if (!IsIdentifier(id)) return InputError("problem id \"" + id + "\" must be a C++ identifier");
  const fs::path root = ProblemsRoot(global);
  const fs::path dir = root / id;
  if (fs::exists(dir)) return InputError(dir.string() + " already exists");
  const fs::path source = InstalledResources().problems / example->second;
  std::error_code ec;
  fs::create_directories(root, ec);
  fs::copy(source, dir, fs::copy_options::recursive, ec);
  if (ec) return InputError("cannot create " + dir.string() + ": " + ec.message());

  // The spec under its new id, alone (no prerequisites it may not have); the trusted code in the
  // namespace the engine derives from the id.
  std::string toml = Read(dir / "problem.toml");
  toml = std::regex_replace(toml, std::regex("^id = \"[^\"]*\"", std::regex::multiline),
                            "id = \"" + id + "\"", std::regex_constants::format_first_only);
  toml = std::regex_replace(
      toml, std::regex("^title = \"", std::regex::multiline),
      "title = \"TODO (from " + example->second + "): ", std::regex_constants::format_first_only);
  toml = std::regex_replace(toml,
                            std::regex("^prerequisites = \\[[^\\]]*\\]\n", std::regex::multiline),
                            "prerequisites = []\n", std::regex_constants::format_first_only);
  std::string reference = Read(dir / "reference.cc");
  reference = std::regex_replace(reference, std::regex("problems::" + example->second + "\\b"),
                                 "problems::" + id);
  if (!Write(dir / "problem.toml", toml) || !Write(dir / "reference.cc", reference)) {
    fs::remove_all(dir, ec);
    return InputError("cannot write into " + dir.string());
  }
  std::cout << "created " << dir.string() << " from " << example->second << " (pattern " << pattern
            << ")\n"
            << "next: rename its functions, rewrite statement.md, the tests, reference.cc, "
               "crosscheck.py and mistakes/, then\n"
            << "  grader --problems " << root.string() << " problems validate " << id << "\n";
  return kExitOk;
}

}  // namespace grader::cli
