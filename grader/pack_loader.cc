#include "grader/pack_loader.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "grader/glue.h"
#include "grader/resources.h"
#include "grader/secret.h"
#include "reference/pack.h"
#include "reference/registry.h"

extern char** environ;

namespace grader {
namespace {

namespace fs = std::filesystem;
using base::Status;

// The grader's own compiler and flags (CMake passes them in), so that a pack computes exactly
// what the grader's code would: the same optimisation and floating-point settings.
constexpr const char* kCompiler = GRADER_PACK_CXX;
constexpr const char* kFlags = GRADER_PACK_FLAGS;
constexpr const char* kEigenInclude = GRADER_PACK_EIGEN_INCLUDE;

// The support code a pack may include or is compiled with, relative to the support root: every
// header of harness/ and reference/ (a pack may include any of them, so any edit must rebuild
// it), base/status.h, and harness/eigen_io.cc, compiled into each pack: exactly what
// `cmake --install` ships, so an installed grader finds the packs built with it. Sorted.
std::vector<std::string> SupportFiles(const fs::path& root) {
  std::vector<std::string> files = {"base/status.h", "harness/eigen_io.cc"};
  for (const char* folder : {"harness", "reference"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / folder, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".h") {
        files.push_back(std::string(folder) + "/" + entry.path().filename().string());
      }
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<std::string> SplitFlags(const std::string& text) {
  std::vector<std::string> flags;
  std::istringstream in(text);
  for (std::string flag; in >> flag;) flags.push_back(flag);
  return flags;
}

base::StatusOr<std::string> ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Status::NotFound(file.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// api.h and adapter.h, generated from problem.toml (grader/glue.h); reference.cc includes them.
std::vector<std::pair<std::string, std::string>> GeneratedHeaders(const ProblemSpec& problem) {
  return {{"api.h", ApiHeader(problem)}, {"adapter.h", Adapter(problem)}};
}

// The pack's own trusted files: its C++ sources and headers (not the learner-side .cpp files).
std::vector<fs::path> PackFiles(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".cc" || ext == ".h")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string CompilerFingerprint() {
  std::ostringstream key;
  key << "pack abi " << reference::kPackAbiVersion << '\n' << kCompiler << '\n' << kFlags << '\n';
  struct stat st {};
  if (::stat(kCompiler, &st) == 0) key << st.st_size << ':' << st.st_mtime << '\n';
  return key.str();
}

base::StatusOr<std::string> PackKey(const ProblemSpec& problem, const fs::path& support_root) {
  std::string key = CompilerFingerprint() + problem.id + "\n";
  auto add = [&](const std::string& name, const fs::path& file) -> Status {
    auto text = ReadFile(file);
    if (!text.ok()) return text.status();
    key += name + "\n" + std::to_string(text->size()) + "\n" + *text;
    return Status::Ok();
  };
  for (const fs::path& file : PackFiles(problem.dir)) {
    RETURN_IF_ERROR(add(file.filename().string(), file));
  }
  for (const std::string& file : SupportFiles(support_root)) {
    RETURN_IF_ERROR(add(file, support_root / file));
  }
  for (const auto& [name, text] : GeneratedHeaders(problem)) {
    key += "generated " + name + "\n" + std::to_string(text.size()) + "\n" + text;
  }
  return Sha256Hex(key);
}

fs::path DefaultWritableCache() {
  if (const char* cache = std::getenv("GRADER_CACHE"); cache && *cache) {
    return fs::path(cache) / "packs";
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return fs::path(xdg) / "dlgrader" / "packs";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/root") / ".cache" / "dlgrader" / "packs";
}

struct CacheState {
  std::mutex mutex;
  fs::path writable;
};

CacheState& Cache() {
  static CacheState state;
  return state;
}

fs::path WritableCache() {
  CacheState& state = Cache();
  std::lock_guard lock(state.mutex);
  if (state.writable.empty()) state.writable = DefaultWritableCache();
  return state.writable;
}

// Runs `argv` with stdout and stderr into `log`; returns the exit status (or -1).
int RunLogged(const std::vector<std::string>& argv, const fs::path& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return -1;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

Status Compile(const ProblemSpec& problem, const fs::path& support_root, const fs::path& out) {
  // The generated headers go to a directory of their own, searched before the pack's folder.
  const fs::path generated = out.parent_path() / "generated";
  std::error_code ec;
  fs::create_directories(generated, ec);
  for (const auto& [name, text] : GeneratedHeaders(problem)) {
    std::ofstream file(generated / name, std::ios::binary);
    file << text;
    if (!file.flush()) return Status::Internal("cannot write " + (generated / name).string());
  }
  std::vector<std::string> argv = {kCompiler};
  for (const std::string& flag : SplitFlags(kFlags)) argv.push_back(flag);
  for (const char* flag : {"-fPIC", "-shared", "-fvisibility=hidden", "-fvisibility-inlines-hidden",
                           "-fdiagnostics-color=never"}) {
    argv.push_back(flag);
  }
  argv.insert(argv.end(), {"-I" + generated.string(), "-I" + support_root.string(),
                           "-I" + std::string(kEigenInclude), "-o", out.string(),
                           (problem.dir / "reference.cc").string(),
                           (support_root / "harness/eigen_io.cc").string()});
  const fs::path log = out.parent_path() / "compile.log";
  if (RunLogged(argv, log) == 0) return Status::Ok();
  auto output = ReadFile(log);
  return Status::InvalidArgument((problem.dir / "reference.cc").string() +
                                 ": the pack's trusted code does not compile:\n" +
                                 (output.ok() ? output->substr(0, 4000) : "(no compiler output)"));
}

// The pack's library: found in a cache, or compiled into the writable one.
base::StatusOr<fs::path> BuildOrFind(const ProblemSpec& problem) {
  const fs::path support_root = InstalledResources().root;
  auto key = PackKey(problem, support_root);
  if (!key.ok()) return key.status();
  const std::string name = "pack-" + problem.id + "-" + key->substr(0, 24);
  for (const fs::path& dir : {InstalledResources().prebuilt_packs, WritableCache()}) {
    if (!dir.empty() && fs::exists(dir / name / "pack.so")) return dir / name / "pack.so";
  }
  const fs::path cache = WritableCache();
  std::error_code ec;
  fs::create_directories(cache, ec);
  if (ec) return Status::Internal("cannot create the pack cache " + cache.string());
  std::string tmp = (cache / "build-XXXXXX").string();
  if (::mkdtemp(tmp.data()) == nullptr) {
    return Status::Internal("cannot create a build directory in " + cache.string());
  }
  const fs::path build_dir = tmp;
  Status status = Compile(problem, support_root, build_dir / "pack.so");
  const fs::path final_dir = cache / name;
  if (status.ok() && ::rename(build_dir.c_str(), final_dir.c_str()) != 0 &&
      !fs::exists(final_dir / "pack.so")) {
    status = Status::Internal("cannot install " + final_dir.string());
  }
  fs::remove_all(build_dir, ec);  // after a lost race, or a failed build
  if (!status.ok()) return status;
  return final_dir / "pack.so";
}

// A pack function seen from the engine: the library's results turned back into the engine's
// own exceptions, which reference::Evaluate and EvaluateMutant expect.
reference::EntryFn FromPack(reference::PackFn fn) {
  return [fn](std::string_view entry, const reference::Tensors& inputs) {
    reference::PackResult result = fn(entry, inputs);
    switch (result.kind) {
      case reference::PackResult::Kind::kOk:
        return std::move(result.outputs);
      case reference::PackResult::Kind::kDimensionMismatch:
        throw reference::DimensionMismatch(result.message);
      case reference::PackResult::Kind::kError:
        break;
    }
    throw std::runtime_error(result.message);
  };
}

base::StatusOr<reference::ProblemCode> Join(const ProblemSpec& problem,
                                            const reference::PackCode& pack) {
  const std::string where = (problem.dir / "reference.cc").string() + ": ";
  const std::string toml = (problem.dir / "problem.toml").string() + ": ";
  reference::ProblemCode code;
  code.id = problem.id;
  code.reference = FromPack(pack.reference);
  std::set<std::string> with_code;
  for (const reference::PackMutant& m : pack.mutants) {
    if (!with_code.insert(m.id).second) {
      return Status::InvalidArgument(where + "mutant '" + std::string(m.id) + "' is listed twice");
    }
  }
  for (const MutantSpec& spec : problem.mutants) {
    auto it = std::find_if(pack.mutants.begin(), pack.mutants.end(),
                           [&](const reference::PackMutant& m) { return spec.id == m.id; });
    if (it == pack.mutants.end()) {
      return Status::InvalidArgument(toml + "mutant '" + spec.id +
                                     "' has no code in GRADER_PACK of reference.cc");
    }
    code.mutants.push_back(
        {spec.id, spec.entry, spec.skills, spec.explanation, FromPack(it->call)});
    with_code.erase(spec.id);
  }
  if (!with_code.empty()) {
    return Status::InvalidArgument(where + "mutant '" + *with_code.begin() +
                                   "' has no [[mutants]] entry in problem.toml");
  }
  return code;
}

}  // namespace

bool IsPack(const fs::path& dir) { return fs::exists(dir / "reference.cc"); }

void SetPackCache(const fs::path& dir) {
  CacheState& state = Cache();
  std::lock_guard lock(state.mutex);
  state.writable = dir;
}

Status LoadPack(const ProblemSpec& problem) {
  // A stale hand-written header would be included by reference.cc (its own folder comes first)
  // while the learner's program gets the generated one: refuse it rather than grade with two.
  const bool custom = std::any_of(problem.entries.begin(), problem.entries.end(),
                                  [](const EntrySpec& e) { return e.pattern == "custom"; });
  for (const char* header : {"api.h", "adapter.h"}) {
    if (std::string(header) == "adapter.h" && custom) continue;
    if (fs::exists(problem.dir / header)) {
      return Status::InvalidArgument((problem.dir / header).string() +
                                     ": generated from problem.toml, so a pack must not hold one "
                                     "(only an entry of pattern \"custom\" brings its adapter.h)");
    }
  }
  auto library = BuildOrFind(problem);
  if (!library.ok()) return library.status();
  // Never unloaded: registered code may be called until the process ends.
  void* handle = ::dlopen(library->c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return Status::Internal("cannot load " + library->string() + ": " + ::dlerror());
  }
  using Entry = const reference::PackCode* (*)();
  auto entry = reinterpret_cast<Entry>(::dlsym(handle, reference::kPackSymbol));
  if (entry == nullptr) {
    return Status::InvalidArgument((problem.dir / "reference.cc").string() +
                                   ": defines no GRADER_PACK (reference/pack.h)");
  }
  const reference::PackCode* pack = entry();
  if (pack == nullptr || pack->abi_version != reference::kPackAbiVersion) {
    return Status::Internal(library->string() + ": built for another pack ABI version");
  }
  auto code = Join(problem, *pack);
  if (!code.ok()) return code.status();
  reference::RegisterProblemCode(std::move(*code));
  return Status::Ok();
}

Status PrebuildPacks(const std::vector<ProblemSpec>& problems, int jobs) {
  std::atomic<size_t> next{0};
  std::mutex mutex;
  Status first_error = Status::Ok();
  auto work = [&] {
    for (size_t i = next++; i < problems.size(); i = next++) {
      if (!IsPack(problems[i].dir)) continue;
      auto built = BuildOrFind(problems[i]);
      std::lock_guard lock(mutex);
      if (!built.ok() && first_error.ok()) first_error = built.status();
    }
  };
  std::vector<std::thread> threads;
  for (int j = 0; j < std::max(1, jobs); ++j) threads.emplace_back(work);
  for (std::thread& t : threads) t.join();
  return first_error;
}

}  // namespace grader
