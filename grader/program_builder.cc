#include "grader/program_builder.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

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

base::Status CopyFile(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return base::Status::Internal("cannot copy " + from.string() + ": " + ec.message());
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

}  // namespace

std::string Toolchain::Fingerprint() const {
  struct stat st{};
  std::ostringstream key;
  key << cxx.string() << '\n' << linker.string() << '\n' << eigen_include.string() << '\n';
  if (::stat(cxx.c_str(), &st) == 0) key << st.st_size << ':' << st.st_mtime << '\n';
  for (const std::string& flag : flags) key << flag << '\n';
  return key.str();
}

ProgramBuilder::ProgramBuilder(ProcessRunner& runner, fs::path source_root, fs::path cache_dir,
                               Toolchain toolchain)
    : runner_(runner),
      source_root_(std::move(source_root)),
      cache_dir_(std::move(cache_dir)),
      toolchain_(std::move(toolchain)) {}

base::StatusOr<fs::path> ProgramBuilder::HarnessObject(const ProblemSpec& problem) {
  const std::vector<fs::path> sources = {
      source_root_ / "grader/harness/harness_main.cc",
      source_root_ / "grader/harness/harness_entry.cc",
      source_root_ / "grader/harness/wire.cc",
      source_root_ / "reference/eigen_io.cc",
  };
  const std::vector<fs::path> headers = {
      source_root_ / "grader/harness/wire.h",       source_root_ / "grader/harness/prelude.h",
      source_root_ / "grader/harness/exit_codes.h", source_root_ / "reference/tensor.h",
      source_root_ / "reference/eigen_io.h",        source_root_ / "base/status.h",
      problem.dir / "api.h",                        problem.dir / "adapter.h",
  };
  std::string key = toolchain_.Fingerprint() + problem.id + "\n";
  for (const auto& list : {sources, headers}) {
    for (const fs::path& file : list) {
      auto text = ReadFile(file);
      if (!text.ok()) return text.status();
      key += file.filename().string() + "\n" + *text;
    }
  }
  const fs::path object = cache_dir_ / ("harness-" + problem.id + "-" + Sha256Hex(key).substr(0, 16) + ".o");
  if (fs::exists(object)) return object;

  // Build in a private temporary directory, then rename into place (atomic for readers).
  std::string tmp_template = (cache_dir_ / "build-XXXXXX").string();
  if (::mkdtemp(tmp_template.data()) == nullptr) {
    return base::Status::Internal("cannot create a build directory in " + cache_dir_.string());
  }
  const fs::path build_dir = tmp_template;
  std::vector<std::string> objects;
  base::Status status = base::Status::Ok();
  for (const fs::path& source : sources) {
    const std::string out = (build_dir / (source.stem().string() + ".o")).string();
    sandbox::Command command;
    command.argv = {toolchain_.cxx.string()};
    for (const std::string& flag : toolchain_.flags) command.argv.push_back(flag);
    command.argv.insert(command.argv.end(),
                        {"-isystem", toolchain_.eigen_include.string(), "-I", source_root_.string(),
                         "-include", (source_root_ / "grader/harness/prelude.h").string(),
                         "-DGRADER_ADAPTER=\"problems/" + problem.id + "/adapter.h\"",
                         "-DGRADER_PROBLEM_NAMESPACE=problems::" + problem.id, "-c",
                         source.string(), "-o", out});
    command.env = CompilerEnvironment(build_dir);
    command.working_dir = build_dir.string();
    command.writable_dirs = {build_dir.string()};
    command.readonly_dirs = {source_root_.string()};
    sandbox::Outcome outcome = runner_.Run(command, CompileLimits(), sandbox::Policy::kCompile);
    if (outcome.status != sandbox::Status::kOk || outcome.exit_code != 0) {
      status = base::Status::Internal("building the harness of " + problem.id + " failed (" +
                                      sandbox::StatusName(outcome.status) + "): " +
                                      outcome.error + outcome.stderr_data.substr(0, 2000));
      break;
    }
    objects.push_back(out);
  }
  if (status.ok()) {
    // One relocatable object: the learner's own main() then collides with the harness's.
    sandbox::Command link;
    link.argv = {toolchain_.linker.string(), "-r", "-o", (build_dir / "harness.o").string()};
    link.argv.insert(link.argv.end(), objects.begin(), objects.end());
    link.env = CompilerEnvironment(build_dir);
    link.working_dir = build_dir.string();
    link.writable_dirs = {build_dir.string()};
    sandbox::Outcome outcome = runner_.Run(link, CompileLimits(), sandbox::Policy::kCompile);
    if (outcome.status != sandbox::Status::kOk || outcome.exit_code != 0) {
      status = base::Status::Internal("linking the harness of " + problem.id + " failed: " +
                                      outcome.error + outcome.stderr_data.substr(0, 2000));
    } else if (::rename((build_dir / "harness.o").c_str(), object.c_str()) != 0) {
      status = base::Status::Internal("cannot install " + object.string());
    }
  }
  std::error_code ec;
  fs::remove_all(build_dir, ec);
  if (!status.ok()) return status;
  return object;
}

base::StatusOr<BuiltProgram> ProgramBuilder::Build(const ProblemSpec& problem,
                                                   const std::string& source,
                                                   const fs::path& work_dir) {
  auto harness = HarnessObject(problem);
  if (!harness.ok()) return harness.status();
  RETURN_IF_ERROR(WriteFile(work_dir / "submission.cpp", source));
  RETURN_IF_ERROR(CopyFile(problem.dir / "api.h", work_dir / "api.h"));
  RETURN_IF_ERROR(CopyFile(source_root_ / "grader/harness/prelude.h", work_dir / "prelude.h"));
  RETURN_IF_ERROR(CopyFile(*harness, work_dir / "harness.o"));

  sandbox::Command command;
  command.argv = {toolchain_.cxx.string()};
  for (const std::string& flag : toolchain_.flags) command.argv.push_back(flag);
  command.argv.insert(command.argv.end(),
                      {"-fmax-errors=20", "-Wall", "-isystem", toolchain_.eigen_include.string(),
                       "-include", "./prelude.h", "-include", "./api.h", "submission.cpp",
                       "harness.o", "-static", "-o", "program"});
  command.env = CompilerEnvironment(work_dir);
  command.working_dir = work_dir.string();
  command.writable_dirs = {work_dir.string()};
  sandbox::Outcome outcome = runner_.Run(command, CompileLimits(), sandbox::Policy::kCompile);
  if (outcome.status == sandbox::Status::kSandboxError) {
    return base::Status::Internal("the compiler sandbox failed: " + outcome.error);
  }
  BuiltProgram built;
  std::string output = outcome.stdout_data + outcome.stderr_data;
  std::string failure = DescribeFailure(outcome);
  if (!failure.empty()) output = failure + "\n" + output;
  built.compiler_output = Truncate(std::move(output));
  built.compiled = outcome.status == sandbox::Status::kOk && outcome.exit_code == 0 &&
                   fs::is_regular_file(fs::symlink_status(work_dir / "program"));
  if (built.compiled) built.binary = work_dir / "program";
  return built;
}

}  // namespace grader
