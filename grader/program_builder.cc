#include "grader/program_builder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "grader/glue.h"
#include "grader/link_errors.h"
#include "grader/secret.h"

namespace grader {
namespace {

namespace fs = std::filesystem;

constexpr size_t kCompilerOutputLimit = 16 << 10;

base::StatusOr<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Status::Internal(path.string() + ": cannot be read");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

base::Status WriteFile(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
  out.close();
  if (!out) return base::Status::Internal(path.string() + ": cannot be written");
  return base::Status::Ok();
}

std::vector<std::string> CompilerEnvironment(const fs::path& work_dir) {
  return {"PATH=/usr/bin:/bin", "LANG=C", "LC_ALL=C", "TMPDIR=" + work_dir.string()};
}

sandbox::Limits CompileLimits() {
  sandbox::Limits limits;
  limits.cpu_time = std::chrono::seconds(30);
  limits.wall_time = std::chrono::seconds(60);
  limits.memory_bytes = 2LL << 30;
  limits.file_size_bytes = 64LL << 20;
  limits.processes = 16;
  limits.stdout_bytes = 64 << 10;
  limits.stderr_bytes = 64 << 10;
  return limits;
}

std::string Truncate(std::string text) {
  if (text.size() > kCompilerOutputLimit) {
    text.resize(kCompilerOutputLimit);
    text += "\n[compiler output truncated]\n";
  }
  return text;
}

std::string DescribeFailure(const sandbox::Outcome& outcome) {
  switch (outcome.status) {
    case sandbox::Status::kCpuTime:
    case sandbox::Status::kWallTime:
      return "compilation took too long (time limit)";
    case sandbox::Status::kMemory:
      return "compilation used too much memory";
    case sandbox::Status::kOutput:
      return "compilation produced too much output";
    default:
      break;
  }
  return "";
}

// Our sources compiled into the runtime object, relative to the source root.
constexpr const char* kHarnessSources[] = {
    "harness/harness_main.cc",
    "harness/harness_entry.cc",
    "harness/wire.cc",
    "harness/eigen_io.cc",
};

// The problem's own headers compiled into the PCH and the runtime object: generated from its
// problem.toml (grader/glue.h), the adapter read from problem.dir for a "custom" pattern.
std::vector<std::pair<std::string, std::string>> ProblemHeaders(const ProblemSpec& problem) {
  return {{"api.h", ApiHeader(problem)}, {"adapter.h", Adapter(problem)}};
}

// Every file of ours whose content goes into the PCH or the runtime object (with ProblemHeaders).
std::vector<fs::path> HarnessInputs(const fs::path& root) {
  std::vector<fs::path> files;
  for (const char* source : kHarnessSources) files.push_back(root / source);
  for (const char* header :
       {"harness/wire.h", "harness/prelude.h", "harness/exit_codes.h", "harness/pch_warmup.h",
        "harness/tensor.h", "harness/eigen_io.h", "base/status.h"}) {
    files.push_back(root / header);
  }
  return files;
}

// The learner's link: --gc-sections drops the PCH's generated code and library code the
// learner's program never calls: about 15% less link CPU and a program of 1.7 MB instead of
// 4.7 MB (docs/compile-pipeline.md). The libraries are not pre-linked into runtime.o: a learner
// may replace operator new/delete (or any other library definition), which only works while
// the library's copy is an archive member the linker need not pick.
constexpr const char* kFinalLinkFlags[] = {"-Wl,--gc-sections"};

// The PCH of a problem takes a few seconds of CPU; under a loaded machine, much longer.
sandbox::Limits PrebuildLimits() {
  sandbox::Limits limits = CompileLimits();
  limits.cpu_time = std::chrono::seconds(120);
  limits.wall_time = std::chrono::seconds(600);
  limits.file_size_bytes = 512LL << 20;
  return limits;
}

// The compile box mounts `dir` read-only and runs as an unprivileged uid, which must be able to
// enter it (mkdtemp made it 0700; caches from before this change are 0700 too). Its files hold
// nothing secret: our harness and the problem's public headers.
base::StatusOr<Prebuilt> ShareWithCompileBox(const fs::path& dir, Prebuilt prebuilt) {
  if (::chmod(dir.c_str(), 0755) != 0) {
    return base::Status::Internal("cannot make " + dir.string() + " readable to the compiler");
  }
  return prebuilt;
}

}  // namespace

std::string Toolchain::Fingerprint() const {
  std::ostringstream key;
  key << cxx.string() << '\n' << linker.string() << '\n' << eigen_include.string() << '\n';
  for (const fs::path& binary : {cxx, linker}) {
    struct stat st {};
    if (::stat(binary.c_str(), &st) == 0) key << st.st_size << ':' << st.st_mtime << '\n';
  }
  for (const std::string& flag : flags) key << flag << '\n';
  key << "--\n";
  for (const std::string& flag : link_flags) key << flag << '\n';
  return key.str();
}

ProgramBuilder::ProgramBuilder(ProcessRunner& runner, fs::path source_root, fs::path cache_dir,
                               Toolchain toolchain)
    : runner_(runner),
      source_root_(std::move(source_root)),
      cache_dir_(std::move(cache_dir)),
      toolchain_(std::move(toolchain)) {}

base::StatusOr<Prebuilt> ProgramBuilder::Prepare(const ProblemSpec& problem) {
  std::string key = toolchain_.Fingerprint() + problem.id + "\n";
  for (const fs::path& file : HarnessInputs(source_root_)) {
    auto text = ReadFile(file);
    if (!text.ok()) return text.status();
    key += file.filename().string() + "\n" + std::to_string(text->size()) + "\n" + *text;
  }
  for (const auto& [name, text] : ProblemHeaders(problem)) {
    key += name + "\n" + std::to_string(text.size()) + "\n" + text;
  }
  Prebuilt prebuilt;
  prebuilt.key = Sha256Hex(key);
  const fs::path dir = cache_dir_ / ("prebuilt-" + problem.id + "-" + prebuilt.key.substr(0, 16));
  prebuilt.pch = dir / "pch.pch";
  prebuilt.runtime = dir / "runtime.o";
  if (fs::exists(prebuilt.runtime)) return ShareWithCompileBox(dir, prebuilt);

  if (on_preparing_) on_preparing_(problem.id);
  // Build in a private temporary directory, then rename the directory into place (atomic for
  // readers: a reader sees all of it or none of it).
  std::string tmp_template = (cache_dir_ / "build-XXXXXX").string();
  if (::mkdtemp(tmp_template.data()) == nullptr) {
    return base::Status::Internal("cannot create a build directory in " + cache_dir_.string());
  }
  const fs::path build_dir = tmp_template;
  base::Status status = BuildPrebuilt(problem, build_dir);
  if (status.ok() && ::rename(build_dir.c_str(), dir.c_str()) != 0) {
    // Another process installed the same build first (the directory is not empty): use it.
    if (!fs::exists(prebuilt.runtime))
      status = base::Status::Internal("cannot install " + dir.string());
  }
  std::error_code ec;
  fs::remove_all(build_dir, ec);
  if (!status.ok()) return status;
  return ShareWithCompileBox(dir, prebuilt);
}

base::Status ProgramBuilder::BuildPrebuilt(const ProblemSpec& problem, const fs::path& build_dir) {
  auto run = [&](std::vector<std::string> argv, const std::string& what) -> base::Status {
    sandbox::Command command;
    command.argv = std::move(argv);
    command.env = CompilerEnvironment(build_dir);
    command.working_dir = build_dir.string();
    command.writable_dirs = {build_dir.string()};
    // Our own sources: visible read-only to this trusted build only (the problem's headers are
    // copies in build_dir).
    command.readonly_dirs = {source_root_.string()};
    sandbox::Outcome outcome = runner_.Run(command, PrebuildLimits(), sandbox::Policy::kCompile);
    if (outcome.status != sandbox::Status::kOk || outcome.exit_code != 0) {
      return base::Status::Internal(what + " of " + problem.id + " failed (" +
                                    sandbox::StatusName(outcome.status) + "): " + outcome.error +
                                    outcome.stderr_data.substr(0, 2000));
    }
    return base::Status::Ok();
  };
  // The problem's api.h and adapter.h (the texts Prepare hashed), written to
  // include/problems/<id>/, which comes before the source root on every include path: the PCH
  // and the adapter's own `#include "api.h"` then name one file, so `#pragma once` holds,
  // whatever folder --problems points at.
  const fs::path include_dir = build_dir / "include";
  const fs::path problem_include = include_dir / "problems" / problem.id;
  std::error_code mkdir_error;
  fs::create_directories(problem_include, mkdir_error);
  if (mkdir_error) return base::Status::Internal("cannot create " + problem_include.string());
  for (const auto& [name, text] : ProblemHeaders(problem)) {
    RETURN_IF_ERROR(WriteFile(problem_include / name, text));
  }
  auto compiler = [&] {
    std::vector<std::string> argv = {toolchain_.cxx.string()};
    argv.insert(argv.end(), toolchain_.flags.begin(), toolchain_.flags.end());
    argv.insert(argv.end(), {"-isystem", toolchain_.eigen_include.string(), "-I",
                             include_dir.string(), "-I", source_root_.string()});
    return argv;
  };
  const std::string problem_api = "problems/" + problem.id + "/api.h";
  // The PCH header: the prelude first (it redefines eigen_assert before Eigen is seen).
  const std::string header = "#include \"" + (source_root_ / "harness/prelude.h").string() +
                             "\"\n#include \"" + problem_api + "\"\n#include \"" +
                             (source_root_ / "harness/pch_warmup.h").string() + "\"\n";
  RETURN_IF_ERROR(WriteFile(build_dir / "pch.h", header));
  const std::string pch = (build_dir / "pch.pch").string();
  std::vector<std::string> argv = compiler();
  // Embedding the headers makes the PCH usable from any directory, without the cache's paths.
  argv.insert(argv.end(), {"-x", "c++-header", "pch.h", "-fpch-instantiate-templates",
                           "-fpch-codegen", "-Xclang", "-fmodules-embed-all-files", "-o", pch});
  RETURN_IF_ERROR(run(argv, "building the precompiled header"));
  std::vector<std::string> objects = {(build_dir / "pch.o").string()};
  argv = {toolchain_.cxx.string()};
  argv.insert(argv.end(), toolchain_.flags.begin(), toolchain_.flags.end());
  argv.insert(argv.end(), {"-c", pch, "-o", objects[0]});
  RETURN_IF_ERROR(run(argv, "compiling the precompiled header's code"));

  for (const char* source : kHarnessSources) {
    const fs::path path = source_root_ / source;
    objects.push_back((build_dir / (path.stem().string() + ".o")).string());
    argv = compiler();
    argv.insert(argv.end(),
                {"-include-pch", pch, "-DGRADER_ADAPTER=\"problems/" + problem.id + "/adapter.h\"",
                 "-DGRADER_PROBLEM_NAMESPACE=problems::" + problem.id, "-c", path.string(), "-o",
                 objects.back()});
    RETURN_IF_ERROR(run(argv, std::string("compiling the harness (") + source + ")"));
  }
  // One relocatable object: the learner's own main() then collides with the harness's.
  argv = {toolchain_.linker.string(), "-r", "-o", (build_dir / "runtime.o").string()};
  argv.insert(argv.end(), objects.begin(), objects.end());
  RETURN_IF_ERROR(run(argv, "linking the harness"));
  for (const std::string& object : objects) {
    std::error_code ec;
    fs::remove(object, ec);  // only runtime.o is used
  }
  return base::Status::Ok();
}

base::StatusOr<BuiltProgram> ProgramBuilder::Build(const ProblemSpec& problem,
                                                   const std::string& source,
                                                   const fs::path& work_dir) {
  auto prebuilt = Prepare(problem);
  if (!prebuilt.ok()) return prebuilt.status();
  RETURN_IF_ERROR(WriteFile(work_dir / "submission.cpp", source));
  // The declarations come from the PCH; a learner who writes #include "api.h" gets this stub,
  // not a second copy of the problem's types (which would be redefinitions).
  RETURN_IF_ERROR(WriteFile(work_dir / "api.h",
                            "#pragma once\n// The problem's declarations are already included.\n"));
  // The PCH (about 60 MB) and runtime.o are used in place, not copied: their cache directory
  // (and only it) is mounted read-only into the compile box, so a work directory holds the
  // learner's files and the program, and a killed run leaves no 60 MB copy behind.
  const fs::path prebuilt_dir = fs::absolute(prebuilt->pch.parent_path()).lexically_normal();

  sandbox::Command command;
  command.argv = {toolchain_.cxx.string()};
  for (const std::string& flag : toolchain_.flags) command.argv.push_back(flag);
  // The PCH force-includes prelude.h and api.h, as -include did.
  command.argv.insert(command.argv.end(),
                      {"-ferror-limit=20", "-Wall", "-isystem", toolchain_.eigen_include.string(),
                       "-include-pch", (prebuilt_dir / "pch.pch").string(), "submission.cpp",
                       (prebuilt_dir / "runtime.o").string()});
  for (const std::string& flag : toolchain_.link_flags) command.argv.push_back(flag);
  for (const char* flag : kFinalLinkFlags) command.argv.push_back(flag);
  command.argv.insert(command.argv.end(), {"-o", "program"});
  command.env = CompilerEnvironment(work_dir);
  command.working_dir = work_dir.string();
  command.writable_dirs = {work_dir.string()};
  command.readonly_dirs = {prebuilt_dir.string()};
  sandbox::Outcome outcome = runner_.Run(command, CompileLimits(), sandbox::Policy::kCompile);
  if (outcome.status == sandbox::Status::kSandboxError) {
    return base::Status::Internal("the compiler sandbox failed: " + outcome.error);
  }
  BuiltProgram built;
  std::string output = outcome.stdout_data + outcome.stderr_data;
  std::string failure = DescribeFailure(outcome);
  if (!failure.empty()) output = failure + "\n" + output;
  // A learner-caused link error reads as a sentence, not as lines about runtime.o.
  const std::string explained = ExplainLinkErrors(output);
  built.compiler_output = explained.empty() ? Truncate(std::move(output)) : explained;
  built.compiled = outcome.status == sandbox::Status::kOk && outcome.exit_code == 0 &&
                   fs::is_regular_file(fs::symlink_status(work_dir / "program"));
  if (built.compiled) built.binary = work_dir / "program";
  return built;
}

}  // namespace grader
