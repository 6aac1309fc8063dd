// `grader gradescope-kit --problem ID --out FILE.zip` (docs/gradescope.md): an autograder zip
// for Gradescope holding setup.sh and run_autograder (from scripts/gradescope/), the grader's
// source with this one problem, and the data directory's secret key, so that Gradescope grades
// with the same hidden tests as the instructor's own grader.
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "grader/cli/commands.h"
#include "grader/zip_archive.h"

namespace grader::cli {
namespace {

namespace fs = std::filesystem;

// What the kit leaves out of the source tree: the grader builds without tests and docs, and
// ships only the kit's problem.
const std::set<std::string> kNotShipped = {"tests", "docs", "problems", "node_modules"};

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void AddTree(const fs::path& dir, const std::string& prefix, std::vector<ZipFile>* files) {
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string name = it->path().filename().string();
    if (name.starts_with(".") || name.starts_with("build")) {
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    const fs::perms perms = fs::status(it->path()).permissions();
    const bool executable = (perms & fs::perms::owner_exec) != fs::perms::none;
    files->push_back({prefix + fs::relative(it->path(), dir).generic_string(), Slurp(it->path()),
                      executable ? 0755u : 0644u});
  }
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace

int GradescopeKit(const GlobalOptions& global, const std::string& id, const std::string& out) {
  auto problem = FindProblem(global, id);
  if (!problem.ok()) return Fail(problem.status());
  const fs::path source = GRADER_SOURCE_DIR;
  if (!fs::exists(source / "CMakeLists.txt") || !fs::exists(source / "scripts/gradescope")) {
    return InputError("gradescope-kit needs the grader's source tree, not found at " +
                      source.string());
  }
  // The instructor's data directory holds the secret key (created now if it is new).
  auto engine = OpenEngine(global);
  if (!engine.ok()) return Fail(engine.status());
  const fs::path key = (*engine)->data_dir().secret_key();

  std::vector<ZipFile> files;
  for (const char* script : {"setup.sh", "run_autograder"}) {
    files.push_back(
        {script, Replace(Slurp(source / "scripts/gradescope" / script), "@PROBLEM@", id), 0755});
  }
  files.push_back({"source/CMakeLists.txt", Slurp(source / "CMakeLists.txt"), 0644});
  for (const auto& entry : fs::directory_iterator(source)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.starts_with(".") || name.starts_with("build") ||
        kNotShipped.count(name)) {
      continue;
    }
    AddTree(entry.path(), "source/" + name + "/", &files);
  }
  AddTree(problem->dir, "source/problems/" + id + "/", &files);
  const fs::path skills = ProblemsRoot(global) / "skills.toml";
  if (fs::exists(skills)) files.push_back({"source/problems/skills.toml", Slurp(skills), 0644});
  files.push_back({"source/data/secret.key", Slurp(key), 0600});

  if (base::Status s = WriteZip(out, files); !s.ok()) return Fail(s);
  std::cout << "wrote " << out << ": " << files.size() << " files for problem " << id
            << "\nIt holds this data directory's secret key (" << key.string()
            << "): upload it to Gradescope only, and keep it private (docs/gradescope.md).\n";
  return kExitOk;
}

}  // namespace grader::cli
