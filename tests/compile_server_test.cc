// Tests for compiler/: the wire format (no processes), and the real compile server
// (build/grader-compiler) against sandbox::Run exec'ing the same clang++ command: the same
// outcome, program and diagnostics, in the same box, and failures of the server itself reported
// as sandbox errors.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "compiler/protocol.h"
#include "compiler/servers.h"
#include "sandbox/pipes.h"
#include "sandbox/sandbox.h"

namespace compiler {
namespace {

namespace fs = std::filesystem;
using sandbox::Outcome;
using sandbox::Status;

// ------------------------------------------------------------------ the wire format

sandbox::Command SampleCommand() {
  sandbox::Command command;
  command.argv = {"/usr/bin/clang++", "-c", std::string("bin\0ary", 7)};
  command.env = {"LANG=C", "TMPDIR=/w"};
  command.working_dir = "/w";
  command.stdin_data = std::string("\xff\x00\x01", 3);
  command.result_channel = true;
  command.writable_dirs = {"/w"};
  command.readonly_dirs = {"/cache/a", "/cache/b"};
  return command;
}

sandbox::Limits SampleLimits() {
  sandbox::Limits limits;
  limits.cpu_time = std::chrono::milliseconds(1234);
  limits.wall_time = std::chrono::milliseconds(5678);
  limits.memory_bytes = 1LL << 33;
  limits.file_size_bytes = 77;
  limits.processes = 16;
  limits.stdout_bytes = 1001;
  limits.stderr_bytes = 1002;
  limits.result_bytes = 1003;
  limits.stack_bytes = 1004;
  return limits;
}

TEST(ProtocolTest, RequestRoundTrips) {
  const auto decoded =
      DecodeRequest(EncodeRequest(SampleCommand(), SampleLimits(), sandbox::Policy::kExecute));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  const sandbox::Command expected = SampleCommand();
  EXPECT_EQ(decoded->policy, sandbox::Policy::kExecute);
  EXPECT_EQ(decoded->command.argv, expected.argv);
  EXPECT_EQ(decoded->command.env, expected.env);
  EXPECT_EQ(decoded->command.working_dir, expected.working_dir);
  EXPECT_EQ(decoded->command.stdin_data, expected.stdin_data);
  EXPECT_TRUE(decoded->command.result_channel);
  EXPECT_EQ(decoded->command.writable_dirs, expected.writable_dirs);
  EXPECT_EQ(decoded->command.readonly_dirs, expected.readonly_dirs);
  EXPECT_EQ(decoded->command.in_process, nullptr);
  const sandbox::Limits limits = SampleLimits();
  EXPECT_EQ(decoded->limits.cpu_time, limits.cpu_time);
  EXPECT_EQ(decoded->limits.wall_time, limits.wall_time);
  EXPECT_EQ(decoded->limits.memory_bytes, limits.memory_bytes);
  EXPECT_EQ(decoded->limits.file_size_bytes, limits.file_size_bytes);
  EXPECT_EQ(decoded->limits.processes, limits.processes);
  EXPECT_EQ(decoded->limits.stdout_bytes, limits.stdout_bytes);
  EXPECT_EQ(decoded->limits.stderr_bytes, limits.stderr_bytes);
  EXPECT_EQ(decoded->limits.result_bytes, limits.result_bytes);
  EXPECT_EQ(decoded->limits.stack_bytes, limits.stack_bytes);
}

TEST(ProtocolTest, OutcomeRoundTrips) {
  Outcome outcome;
  outcome.status = Status::kForbiddenSyscall;
  outcome.exit_code = -1;
  outcome.signal = 31;
  outcome.cpu_time = std::chrono::milliseconds(12);
  outcome.wall_time = std::chrono::milliseconds(34);
  outcome.peak_memory_bytes = 5LL << 30;
  outcome.stdout_data = "out";
  outcome.stderr_data = std::string("err\0\xfe", 5);
  outcome.result_data = "result";
  outcome.stderr_truncated = true;
  outcome.forbidden_syscall = "socket";
  outcome.error = "note";
  const auto decoded = DecodeOutcome(EncodeOutcome(outcome));
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  EXPECT_EQ(decoded->status, outcome.status);
  EXPECT_EQ(decoded->exit_code, -1);
  EXPECT_EQ(decoded->signal, 31);
  EXPECT_EQ(decoded->cpu_time, outcome.cpu_time);
  EXPECT_EQ(decoded->wall_time, outcome.wall_time);
  EXPECT_EQ(decoded->peak_memory_bytes, outcome.peak_memory_bytes);
  EXPECT_EQ(decoded->stdout_data, "out");
  EXPECT_EQ(decoded->stderr_data, outcome.stderr_data);
  EXPECT_EQ(decoded->result_data, "result");
  EXPECT_TRUE(decoded->stderr_truncated);
  EXPECT_EQ(decoded->forbidden_syscall, "socket");
  EXPECT_EQ(decoded->error, "note");
}

TEST(ProtocolTest, EveryTruncationAndTrailingBytesAreRefused) {
  const std::string request =
      EncodeRequest(SampleCommand(), SampleLimits(), sandbox::Policy::kCompile);
  for (size_t size = 0; size < request.size(); ++size) {
    EXPECT_FALSE(DecodeRequest(request.substr(0, size)).ok()) << size;
  }
  const auto trailing = DecodeRequest(request + "x");
  ASSERT_FALSE(trailing.ok());
  EXPECT_NE(trailing.status().message().find("1 bytes after the end"), std::string::npos);
  const std::string outcome = EncodeOutcome(Outcome{});
  for (size_t size = 0; size < outcome.size(); ++size) {
    EXPECT_FALSE(DecodeOutcome(outcome.substr(0, size)).ok()) << size;
  }
}

TEST(ProtocolTest, ErrorsNameTheBrokenField) {
  std::string request = EncodeRequest(SampleCommand(), SampleLimits(), sandbox::Policy::kCompile);
  // Cut inside argv (tag 4 + policy 4 + nine limits of 8 bytes, then argv's count).
  const auto cut = DecodeRequest(request.substr(0, 4 + 4 + 72 + 6));
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("at argv"), std::string::npos) << cut.status().message();
  request[0] = 'X';
  const auto tag = DecodeRequest(request);
  ASSERT_FALSE(tag.ok());
  EXPECT_NE(tag.status().message().find("tag (expected GCRQ)"), std::string::npos);
  // An outcome is not a request.
  EXPECT_FALSE(DecodeRequest(EncodeOutcome(Outcome{})).ok());
}

TEST(ProtocolTest, FramesCrossASocketAndEndOfStreamIsNotFound) {
  int ends[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends), 0);
  sandbox::UniqueFd writer(ends[0]);
  sandbox::UniqueFd reader(ends[1]);
  ASSERT_TRUE(WriteFrame(writer.get(), "first").ok());
  ASSERT_TRUE(WriteFrame(writer.get(), "").ok());
  ASSERT_EQ(::write(writer.get(),
                    "\x09\x00\x00\x00"
                    "abc",
                    7),
            7);  // 9 bytes promised, 3 sent
  writer.Reset();
  EXPECT_EQ(*ReadFrame(reader.get()), "first");
  EXPECT_EQ(*ReadFrame(reader.get()), "");
  const auto partial = ReadFrame(reader.get());
  ASSERT_FALSE(partial.ok());
  EXPECT_EQ(partial.status().code(), base::StatusCode::kInternal);
  EXPECT_NE(partial.status().message().find("inside a frame"), std::string::npos);
  EXPECT_EQ(ReadFrame(reader.get()).status().code(), base::StatusCode::kNotFound);
}

// ------------------------------------------------------------------ the real server

// A private work directory per test, as the grader makes them.
class CompileServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (fs::temp_directory_path() / "compile-server-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir.data()), nullptr);
    work_ = dir;
  }
  void TearDown() override {
    std::error_code error;
    fs::remove_all(work_, error);
  }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(work_ / name) << text;
  }

  // `clang++ -O0 NAME -o program` in the work directory, as a compile box runs it.
  sandbox::Command Clang(const std::string& source) const {
    sandbox::Command command;
    command.argv = {"/usr/bin/clang++", "-std=c++20", "-O0",    "-fdiagnostics-color=never", source,
                    "-fuse-ld=lld",     "-o",         "program"};
    command.env = {"PATH=/usr/bin:/bin", "LANG=C", "TMPDIR=" + work_.string()};
    command.working_dir = work_.string();
    command.writable_dirs = {work_.string()};
    return command;
  }

  static sandbox::Limits CompileLimits() {
    sandbox::Limits limits;
    limits.cpu_time = std::chrono::seconds(30);
    limits.wall_time = std::chrono::seconds(60);
    limits.memory_bytes = 2LL << 30;
    limits.file_size_bytes = 64LL << 20;
    limits.processes = 16;
    return limits;
  }

  // The program the compile left, run plainly (it is our own test code).
  std::string RunProgram() const {
    const std::string command = (work_ / "program").string() + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    std::string out;
    char buffer[256];
    while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
    if (pipe != nullptr) ::pclose(pipe);
    return out;
  }

  fs::path work_;
  CompileServers servers_{GRADER_COMPILE_SERVER};
};

TEST_F(CompileServerTest, CompilesAndLinksAProgramThatRuns) {
  Write("hello.cpp",
        "#include <iostream>\n#include <vector>\n"
        "int main() { std::vector<int> v{1, 2, 3}; std::cout << \"hello \" << v.size() << '\\n'; "
        "}\n");
  const Outcome outcome =
      servers_.Run(Clang("hello.cpp"), CompileLimits(), sandbox::Policy::kCompile);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error << outcome.stderr_data;
  EXPECT_EQ(outcome.exit_code, 0) << outcome.stderr_data;
  EXPECT_EQ(outcome.stderr_data, "");
  EXPECT_EQ(RunProgram(), "hello 3\n");
  EXPECT_EQ(servers_.started(), 1);
  // The driver's temporary object went to TMPDIR (the work directory) and was removed.
  for (const auto& entry : fs::directory_iterator(work_)) {
    EXPECT_NE(entry.path().extension(), ".o") << entry.path();
  }
}

// The driver's temporary objects have random names (link-c0d13c.o).
std::string WithoutTempNames(const std::string& text) {
  return std::regex_replace(text, std::regex("-[0-9a-f]{6}\\.o"), "-XXXXXX.o");
}

// What a learner reads must not depend on which way the compiler ran.
TEST_F(CompileServerTest, DiagnosticsAndExitCodesAreTheExecdClangs) {
  const std::vector<std::pair<std::string, std::string>> sources = {
      {"syntax.cpp", "int main() { return undeclared_name + ; }\n"},
      {"warning.cpp", "int main() { int unused = 1; return 0; }\n"},
      {"link.cpp", "int helper(int);\nint main() { return helper(1); }\n"},
      {"main_twice.cpp", "int main() { return 0; }\nint main(int) { return 1; }\n"},
  };
  for (const auto& [name, text] : sources) {
    Write(name, text);
    sandbox::Command command = Clang(name);
    command.argv.insert(command.argv.begin() + 1, "-Wall");
    const Outcome served = servers_.Run(command, CompileLimits(), sandbox::Policy::kCompile);
    const Outcome execd = sandbox::Run(command, CompileLimits(), sandbox::Policy::kCompile);
    ASSERT_EQ(served.status, Status::kOk) << name << served.error;
    ASSERT_EQ(execd.status, Status::kOk) << name << execd.error;
    EXPECT_EQ(served.exit_code, execd.exit_code) << name;
    EXPECT_EQ(WithoutTempNames(served.stderr_data), WithoutTempNames(execd.stderr_data)) << name;
    EXPECT_EQ(served.stdout_data, execd.stdout_data) << name;
  }
  // And they are real diagnostics: an error and its exit code, a link error named by lld.
  Write("link.cpp", "int helper(int);\nint main() { return helper(1); }\n");
  const Outcome link = servers_.Run(Clang("link.cpp"), CompileLimits(), sandbox::Policy::kCompile);
  EXPECT_EQ(link.exit_code, 1);
  EXPECT_NE(link.stderr_data.find("ld.lld: error: undefined symbol: helper(int)"),
            std::string::npos)
      << link.stderr_data;
  EXPECT_NE(link.stderr_data.find("clang: error: linker command failed with exit code 1"),
            std::string::npos)
      << link.stderr_data;
  EXPECT_FALSE(fs::exists(work_ / "program"));
}

// A compiler crash on a learner's source is that compile's failure, reported as the driver
// reports a crashed cc1: the box's process survives it and says so.
TEST_F(CompileServerTest, ACompilerCrashIsAFailedCompileNotADeadBox) {
  Write("crash.cpp", "#pragma clang __debug crash\nint main() {}\n");
  const Outcome outcome =
      servers_.Run(Clang("crash.cpp"), CompileLimits(), sandbox::Policy::kCompile);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error << outcome.stderr_data;
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_NE(outcome.stderr_data.find("clang: error: clang frontend command failed"),
            std::string::npos)
      << outcome.stderr_data;
  EXPECT_FALSE(fs::exists(work_ / "program"));
  // The server is still there for the next compile.
  Write("fine.cpp", "int main() { return 0; }\n");
  EXPECT_EQ(servers_.Run(Clang("fine.cpp"), CompileLimits(), sandbox::Policy::kCompile).exit_code,
            0);
  EXPECT_EQ(servers_.started(), 1);
}

// The compile runs in the compile box: the learner's source cannot read what the box hides.
TEST_F(CompileServerTest, TheInProcessCompileIsBoxed) {
  if (::geteuid() != 0) GTEST_SKIP() << "the compile box's filesystem view needs root";
  const fs::path secret = fs::temp_directory_path() / "compile-server-test-secret.h";
  std::ofstream(secret) << "int secret = 42;\n";
  Write("peek.cpp", "#include \"" + secret.string() + "\"\nint main() { return secret; }\n");
  const Outcome outcome =
      servers_.Run(Clang("peek.cpp"), CompileLimits(), sandbox::Policy::kCompile);
  fs::remove(secret);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_NE(outcome.stderr_data.find("file not found"), std::string::npos) << outcome.stderr_data;
}

TEST_F(CompileServerTest, LimitsApplyToTheInProcessCompile) {
  // 2^24 distinct template instantiations: minutes of compile, far past the CPU limit.
  Write("slow.cpp",
        "template <int D, long I> struct T {\n"
        "  static constexpr long v = T<D - 1, 2 * I>::v + T<D - 1, 2 * I + 1>::v;\n};\n"
        "template <long I> struct T<0, I> { static constexpr long v = I; };\n"
        "static_assert(T<24, 0>::v > 0);\nint main() {}\n");
  sandbox::Limits limits = CompileLimits();
  limits.cpu_time = std::chrono::milliseconds(1500);
  const Outcome outcome = servers_.Run(Clang("slow.cpp"), limits, sandbox::Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kCpuTime) << outcome.error << outcome.stderr_data;
}

TEST_F(CompileServerTest, OtherCommandsAreExecdInTheBox) {
  sandbox::Command command = Clang("unused.cpp");
  command.argv = {"/bin/sh", "-c", "echo from sh; echo to err >&2; exit 3"};
  const Outcome outcome = servers_.Run(command, CompileLimits(), sandbox::Policy::kCompile);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 3);
  EXPECT_EQ(outcome.stdout_data, "from sh\n");
  EXPECT_EQ(outcome.stderr_data, "to err\n");
}

TEST_F(CompileServerTest, ConcurrentRunsUseSeparateServersThatAreKept) {
  // One work directory per compile, as the grader does (each is handed to its box's uid).
  auto compile = [&](const std::string& dir) {
    fs::create_directory(work_ / dir);
    std::ofstream(work_ / dir / "a.cpp") << "int main() { return 0; }\n";
    sandbox::Command command = Clang("a.cpp");
    command.working_dir = (work_ / dir).string();
    command.writable_dirs = {command.working_dir};
    command.env.back() = "TMPDIR=" + command.working_dir;
    return servers_.Run(command, CompileLimits(), sandbox::Policy::kCompile);
  };
  Outcome first;
  Outcome second;
  std::thread other([&] { first = compile("one"); });
  second = compile("two");
  other.join();
  EXPECT_EQ(first.status, Status::kOk) << first.error;
  EXPECT_EQ(second.status, Status::kOk) << second.error;
  EXPECT_EQ(first.exit_code, 0) << first.stderr_data;
  EXPECT_EQ(second.exit_code, 0) << second.stderr_data;
  const int started = servers_.started();
  EXPECT_GE(started, 1);
  EXPECT_LE(started, 2);
  EXPECT_EQ(compile("three").exit_code, 0);
  EXPECT_EQ(servers_.started(), started);  // kept, not started again
}

struct Mapping {
  std::string perms;  // "r-xp"
  std::string path;   // empty for anonymous memory
  size_t bytes = 0;
};

std::vector<Mapping> Mappings(pid_t pid) {
  std::vector<Mapping> mappings;
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::string line;
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string addresses, offset, device, inode;
    Mapping mapping;
    fields >> addresses >> mapping.perms >> offset >> device >> inode >> mapping.path;
    const size_t dash = addresses.find('-');
    mapping.bytes = std::stoull(addresses.substr(dash + 1), nullptr, 16) -
                    std::stoull(addresses.substr(0, dash), nullptr, 16);
    mappings.push_back(mapping);
  }
  return mappings;
}

// Bytes of the process's executable mappings, by what backs them: a file's name, or "" for
// anonymous memory.
std::map<std::string, size_t> ExecutableBytes(pid_t pid) {
  std::map<std::string, size_t> bytes;
  for (const Mapping& mapping : Mappings(pid)) {
    if (mapping.perms != "r-xp") continue;
    const bool file = !mapping.path.empty() && mapping.path[0] == '/';
    bytes[file ? fs::path(mapping.path).filename().string() : ""] += mapping.bytes;
  }
  return bytes;
}

// Bytes of clang's and LLVM's code that the process runs from their files.
size_t LibraryCodeFromFiles(pid_t pid) {
  size_t bytes = 0;
  for (const auto& [name, size] : ExecutableBytes(pid)) {
    if (name.starts_with("libLLVM-") || name.starts_with("libclang-cpp.")) bytes += size;
  }
  return bytes;
}

// A reused server runs clang and LLVM from anonymous memory (compiler/huge_text.h), and
// compiles with it: of each library's code, only the parts outside its 2 MB-aligned middle
// stay mapped from the file. Its first compile (all that `grader grade` asks) runs without the
// copy.
TEST_F(CompileServerTest, AReusedServerRunsLibraryCodeFromAnonymousMemory) {
  Write("a.cpp", "int main() { return 0; }\n");
  ASSERT_EQ(servers_.Run(Clang("a.cpp"), CompileLimits(), sandbox::Policy::kCompile).exit_code, 0);
  ASSERT_EQ(servers_.pids().size(), 1u);
  const pid_t server = servers_.pids()[0];
  EXPECT_GT(LibraryCodeFromFiles(server), size_t{32} << 20);  // libLLVM has about 70 MB

  ASSERT_EQ(servers_.Run(Clang("a.cpp"), CompileLimits(), sandbox::Policy::kCompile).exit_code, 0);
  ASSERT_EQ(servers_.pids(), std::vector<pid_t>{server});
  EXPECT_EQ(RunProgram(), "");
  const std::map<std::string, size_t> code = ExecutableBytes(server);
  ASSERT_TRUE(code.contains(""));
  EXPECT_GT(code.at(""), size_t{32} << 20);
  EXPECT_LT(LibraryCodeFromFiles(server), size_t{8} << 20);  // under 2 x 2 MB per library
}

// Bytes of the process's anonymous read-only (not executable) mappings.
size_t ReadOnlyAnonymousBytes(pid_t pid) {
  size_t bytes = 0;
  for (const Mapping& mapping : Mappings(pid)) {
    if (mapping.perms == "r--p" && mapping.path.empty()) bytes += mapping.bytes;
  }
  return bytes;
}

// A reused server reads the precompiled header from its own copy, and reads it again when the
// file changes (a new toolchain or problem version writes a new one).
TEST_F(CompileServerTest, AReusedServerReadsThePrecompiledHeaderFromItsCopyUntilItChanges) {
  const std::string pch = (work_ / "answer.pch").string();
  auto build_pch = [&](int answer) {
    Write("answer.h", "inline int answer() { return " + std::to_string(answer) + "; }\n");
    const std::string command = "/usr/bin/clang++ -std=c++20 -O0 -x c++-header " +
                                (work_ / "answer.h").string() + " -o " + pch + ".new && mv " + pch +
                                ".new " + pch;
    ASSERT_EQ(std::system(command.c_str()), 0);
  };
  auto compile_and_run = [&] {
    sandbox::Command command = Clang("main.cpp");
    command.argv.insert(command.argv.begin() + 1, {"-include-pch", pch});
    const Outcome outcome = servers_.Run(command, CompileLimits(), sandbox::Policy::kCompile);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.stderr_data << outcome.error;
    const int status = std::system((work_ / "program").c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  build_pch(41);
  Write("main.cpp", "int main() { return answer(); }\n");
  EXPECT_EQ(compile_and_run(), 41);  // from the file
  ASSERT_EQ(servers_.pids().size(), 1u);
  const size_t before = ReadOnlyAnonymousBytes(servers_.pids()[0]);
  EXPECT_EQ(compile_and_run(), 41);  // from the copy
  const size_t pch_size = fs::file_size(pch);
  EXPECT_GE(ReadOnlyAnonymousBytes(servers_.pids()[0]), before + pch_size);
  build_pch(42);
  EXPECT_EQ(compile_and_run(), 42);
  EXPECT_EQ(compile_and_run(), 42);
  EXPECT_EQ(servers_.started(), 1);
}

TEST_F(CompileServerTest, AServerThatDiedWhileIdleIsReplaced) {
  Write("a.cpp", "int main() { return 0; }\n");
  ASSERT_EQ(servers_.Run(Clang("a.cpp"), CompileLimits(), sandbox::Policy::kCompile).exit_code, 0);
  const std::vector<pid_t> pids = servers_.pids();
  ASSERT_EQ(pids.size(), 1u);
  ASSERT_EQ(::kill(pids[0], SIGKILL), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const Outcome outcome = servers_.Run(Clang("a.cpp"), CompileLimits(), sandbox::Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(servers_.started(), 2);
}

TEST_F(CompileServerTest, AServerKilledDuringARunIsASandboxErrorNotTheCommands) {
  sandbox::Command command = Clang("unused.cpp");
  command.argv = {"/bin/sleep", "20"};
  Outcome outcome;
  const auto start = std::chrono::steady_clock::now();
  std::thread run(
      [&] { outcome = servers_.Run(command, CompileLimits(), sandbox::Policy::kCompile); });
  std::vector<pid_t> pids;
  for (int i = 0; i < 200 && pids.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    pids = servers_.pids();
  }
  ASSERT_EQ(pids.size(), 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ::kill(pids[0], SIGKILL);
  run.join();
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("compile server: "), std::string::npos) << outcome.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(15));
}

// The copy costs each server about 150 MB: the grader asks one server per core for it, never
// one per worker.
TEST(CompileServersTest, OnlyOneServerPerCoreIsAskedToCopyClangsCode) {
  CompileServers servers(GRADER_COMPILE_SERVER);
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  for (size_t i = 0; i < cores + 1; ++i) servers.Prestart();
  const std::vector<pid_t> pids = servers.pids();
  ASSERT_EQ(pids.size(), cores + 1);
  size_t asked = 0;
  for (const pid_t pid : pids) {
    // The grader resumes once the server's exec has begun, before its new environment is
    // visible in /proc: every server has PATH.
    std::vector<std::string> environment;
    for (int i = 0; i < 300 && std::find(environment.begin(), environment.end(),
                                         "PATH=/usr/bin:/bin") == environment.end();
         ++i) {
      if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      environment.clear();
      std::ifstream environ("/proc/" + std::to_string(pid) + "/environ");
      for (std::string variable; std::getline(environ, variable, '\0');)
        environment.push_back(variable);
    }
    ASSERT_NE(std::find(environment.begin(), environment.end(), "PATH=/usr/bin:/bin"),
              environment.end());
    asked += std::count(environment.begin(), environment.end(), "GRADER_COMPILER_HUGE_PAGES=1");
  }
  EXPECT_EQ(asked, cores);
}

// A grader that dies mid-compile (its socket end closes) takes the server and the box with it.
TEST(CompileServersTest, TheServerEndsWhenTheGradersSocketCloses) {
  int ends[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends), 0);
  sandbox::UniqueFd grader_end(ends[0]);
  const pid_t server = ::fork();
  if (server == 0) {
    ::dup2(ends[1], 3);  // without O_CLOEXEC
    ::execl(GRADER_COMPILE_SERVER, GRADER_COMPILE_SERVER, nullptr);
    _exit(127);
  }
  ::close(ends[1]);
  sandbox::Command command;
  command.argv = {"/bin/sleep", "30"};
  command.working_dir = "/tmp";
  sandbox::Limits limits;
  limits.cpu_time = std::chrono::seconds(40);
  limits.wall_time = std::chrono::seconds(40);
  ASSERT_TRUE(
      WriteFrame(grader_end.get(), EncodeRequest(command, limits, sandbox::Policy::kCompile)).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the box is sleeping
  const auto closed = std::chrono::steady_clock::now();
  grader_end.Reset();
  int status = 0;
  ASSERT_EQ(::waitpid(server, &status, 0), server);
  EXPECT_LT(std::chrono::steady_clock::now() - closed, std::chrono::seconds(5));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(CompileServersTest, AMissingProgramIsASandboxErrorNamingIt) {
  CompileServers servers("/nonexistent/grader-compiler");
  sandbox::Command command;
  command.argv = {"/bin/true"};
  command.working_dir = "/tmp";
  const Outcome outcome = servers.Run(command, sandbox::Limits{}, sandbox::Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("/nonexistent/grader-compiler"), std::string::npos) << outcome.error;
}

TEST(CompileServersTest, TheServerRefusesToRunWithoutTheGrader) {
  const std::string command = std::string(GRADER_COMPILE_SERVER) + " 2>&1 < /dev/null";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) out += buffer;
  const int status = ::pclose(pipe);
  EXPECT_EQ(WEXITSTATUS(status), 2);
  EXPECT_NE(out.find("the grader starts it"), std::string::npos) << out;
}

}  // namespace
}  // namespace compiler
