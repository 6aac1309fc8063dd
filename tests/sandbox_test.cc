// Tests for sandbox/: the pure classifier (table-driven, no processes) and black-box runs of
// real programs (/bin/sh, /bin/cat, /usr/bin/yes, /usr/bin/python3) under limits.
#include "sandbox/sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/cgroups.h"
#include "sandbox/classify.h"
#include "sandbox/owner.h"

namespace sandbox {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

Command Sh(const std::string& script) {
  Command command;
  command.argv = {"/bin/sh", "-c", script};
  command.env = {"PATH=/usr/bin:/bin"};
  command.working_dir = "/tmp";
  return command;
}

Command Program(std::vector<std::string> argv) {
  Command command;
  command.argv = std::move(argv);
  command.env = {"PATH=/usr/bin:/bin"};
  command.working_dir = "/tmp";
  return command;
}

// Short limits so that a broken limit fails fast; enough processes for sh's children (the grader
// runs as root, where RLIMIT_NPROC is not enforced anyway).
Limits TestLimits() {
  Limits limits;
  limits.cpu_time = milliseconds(2000);
  limits.wall_time = milliseconds(3000);
  limits.processes = 16;
  return limits;
}

milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// A process is dead when /proc has forgotten it or it is a zombie waiting for its new parent.
bool IsDead(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string line;
  std::getline(stat, line);
  const size_t name_end = line.rfind(')');
  return name_end != std::string::npos && line.size() > name_end + 2 &&
         (line[name_end + 2] == 'Z' || line[name_end + 2] == 'X');
}

// ---------------------------------------------------------------- Classify, no processes

struct ClassifyCase {
  const char* name;
  RunFacts facts;
  Status expected;
};

RunFacts Exited(int code, milliseconds cpu = milliseconds(10), int64_t peak = 1 << 20) {
  RunFacts facts;
  facts.exited = true;
  facts.exit_code = code;
  facts.cpu_time = cpu;
  facts.peak_memory_bytes = peak;
  return facts;
}

RunFacts Signaled(int signal_number, KillReason reason = KillReason::kNone,
                  milliseconds cpu = milliseconds(10), int64_t peak = 1 << 20) {
  RunFacts facts;
  facts.signal = signal_number;
  facts.kill_reason = reason;
  facts.cpu_time = cpu;
  facts.peak_memory_bytes = peak;
  return facts;
}

TEST(ClassifyTest, Table) {
  Limits limits;
  limits.cpu_time = milliseconds(1000);
  limits.memory_bytes = 100 << 20;
  const ClassifyCase cases[] = {
      {"exit 0", Exited(0), Status::kOk},
      {"exit 1 is still OK: the grader reads the code", Exited(1), Status::kOk},
      {"exited after using the whole CPU budget", Exited(0, milliseconds(1000)), Status::kCpuTime},
      {"SIGXCPU from RLIMIT_CPU", Signaled(SIGXCPU), Status::kCpuTime},
      {"our CPU kill", Signaled(SIGKILL, KillReason::kCpuTime), Status::kCpuTime},
      {"our wall kill", Signaled(SIGKILL, KillReason::kWallTime), Status::kWallTime},
      {"wall kill but CPU over: CPU wins",
       Signaled(SIGKILL, KillReason::kWallTime, milliseconds(1500)), Status::kCpuTime},
      {"our output kill", Signaled(SIGKILL, KillReason::kOutput), Status::kOutput},
      {"output kill beats CPU", Signaled(SIGKILL, KillReason::kOutput, milliseconds(5000)),
       Status::kOutput},
      {"SIGXFSZ from RLIMIT_FSIZE", Signaled(SIGXFSZ), Status::kOutput},
      {"SIGSYS from seccomp", Signaled(SIGSYS), Status::kForbiddenSyscall},
      {"SIGSEGV, small peak", Signaled(SIGSEGV), Status::kSignaled},
      {"SIGSEGV at 95% of memory", Signaled(SIGSEGV, KillReason::kNone, milliseconds(10), 95 << 20),
       Status::kMemory},
      {"SIGKILL from outside at 90% of memory",
       Signaled(SIGKILL, KillReason::kNone, milliseconds(10), 90 << 20), Status::kMemory},
      {"SIGKILL from outside at 89% of memory",
       Signaled(SIGKILL, KillReason::kNone, milliseconds(10), 89 << 20), Status::kSignaled},
      {"SIGABRT near the memory limit is not MEMORY",
       Signaled(SIGABRT, KillReason::kNone, milliseconds(10), 99 << 20), Status::kSignaled},
      {"wall kill near the memory limit stays WALL_TIME",
       Signaled(SIGKILL, KillReason::kWallTime, milliseconds(10), 99 << 20), Status::kWallTime},
      {"unknown peak (0) is never MEMORY",
       Signaled(SIGKILL, KillReason::kNone, milliseconds(10), 0), Status::kSignaled},
  };
  for (const ClassifyCase& test_case : cases) {
    EXPECT_EQ(StatusName(Classify(test_case.facts, limits)),
              std::string(StatusName(test_case.expected)))
        << test_case.name;
  }
}

TEST(StatusNameTest, AllNames) {
  EXPECT_STREQ(StatusName(Status::kOk), "OK");
  EXPECT_STREQ(StatusName(Status::kCpuTime), "CPU_TIME");
  EXPECT_STREQ(StatusName(Status::kWallTime), "WALL_TIME");
  EXPECT_STREQ(StatusName(Status::kMemory), "MEMORY");
  EXPECT_STREQ(StatusName(Status::kOutput), "OUTPUT");
  EXPECT_STREQ(StatusName(Status::kSignaled), "SIGNALED");
  EXPECT_STREQ(StatusName(Status::kForbiddenSyscall), "FORBIDDEN_SYSCALL");
  EXPECT_STREQ(StatusName(Status::kSandboxError), "SANDBOX_ERROR");
}

// ---------------------------------------------------------------- Run, real processes

TEST(RunTest, ExitCodePropagates) {
  const Outcome outcome = sandbox::Run(Sh("exit 7"), TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 7);
  EXPECT_EQ(outcome.signal, 0);
}

TEST(RunTest, StdinIsEchoedByCat) {
  Command command = Program({"/bin/cat"});
  command.stdin_data = "hello\nworld";
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.stdout_data, "hello\nworld");
}

// cat writes back while we write: a blocking parent would deadlock once both pipes are full.
TEST(RunTest, LargeStdinRoundTripsWithoutDeadlock) {
  Command command = Program({"/bin/cat"});
  command.stdin_data.assign(1 << 20, 'x');
  Limits limits = TestLimits();
  limits.stdout_bytes = 2 << 20;
  const Outcome outcome = sandbox::Run(command, limits, Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, command.stdin_data);
}

TEST(RunTest, EnvironmentIsExactlyTheGivenOne) {
  Command command = Program({"/usr/bin/env"});
  command.env = {"ONLY=this"};
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "ONLY=this\n");
}

TEST(RunTest, ResultChannelLandsInResultData) {
  Command command = Sh("echo hi >&3");
  command.result_channel = true;
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.result_data, "hi\n");
  EXPECT_EQ(outcome.stdout_data, "");
}

TEST(RunTest, WithoutResultChannelFd3IsClosed) {
  const Outcome outcome = sandbox::Run(Sh("echo hi >&3"), TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_EQ(outcome.result_data, "");
}

TEST(RunTest, GraderFdsDoNotLeakIntoTheChild) {
  // Deliberately without O_CLOEXEC, and above the fds the child's own layout reuses (0..4).
  const int opened = open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(opened, 0);
  const int leaked = fcntl(opened, F_DUPFD, 20);
  close(opened);
  ASSERT_GE(leaked, 20);
  const std::string script = "for fd in 4 " + std::to_string(leaked) +
                             "; do [ -e /proc/$$/fd/$fd ] && echo open $fd; done; echo checked";
  const Outcome outcome = sandbox::Run(Sh(script), TestLimits(), Policy::kCompile);
  close(leaked);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "checked\n");
}

TEST(RunTest, RlimitsAreApplied) {
  Limits limits = TestLimits();
  limits.cpu_time = milliseconds(1500);
  const Outcome outcome =
      sandbox::Run(Sh("ulimit -n; ulimit -c; ulimit -t"), limits, Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "64\n0\n2\n");  // CPU seconds rounded up
}

TEST(RunTest, InfiniteLoopIsCpuTime) {
  Limits limits = TestLimits();
  limits.cpu_time = milliseconds(1000);
  limits.wall_time = milliseconds(20000);
  const Clock::time_point start = Clock::now();
  const Outcome outcome = sandbox::Run(Sh("while :; do :; done"), limits, Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kCpuTime) << StatusName(outcome.status);
  // rusage is tick-scaled: SIGXCPU at 1 s can be reported as 987 ms, less on a loaded host.
  EXPECT_GE(outcome.cpu_time, milliseconds(800));
  // Well before the wall limit, even when other work leaves the loop a third of a core.
  EXPECT_LT(Since(start), milliseconds(15000));
}

TEST(RunTest, SleepIsWallTime) {
  Limits limits = TestLimits();
  limits.wall_time = milliseconds(500);
  const Clock::time_point start = Clock::now();
  const Outcome outcome = sandbox::Run(Program({"/bin/sleep", "30"}), limits, Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kWallTime) << StatusName(outcome.status);
  EXPECT_EQ(outcome.signal, SIGKILL);
  EXPECT_GE(outcome.wall_time, milliseconds(500));
  EXPECT_LT(Since(start), milliseconds(1000));
}

TEST(RunTest, StdoutFloodIsOutputAtExactlyTheCap) {
  Limits limits = TestLimits();
  limits.stdout_bytes = 64 << 10;
  const Clock::time_point start = Clock::now();
  const Outcome outcome = sandbox::Run(Program({"/usr/bin/yes"}), limits, Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOutput) << StatusName(outcome.status);
  EXPECT_EQ(outcome.stdout_data.size(), size_t{64 << 10});
  EXPECT_EQ(outcome.stdout_data.substr(0, 4), "y\ny\n");
  EXPECT_LT(Since(start), milliseconds(1000));
}

TEST(RunTest, ResultChannelFloodIsOutput) {
  Command command = Sh("exec /usr/bin/yes >&3");
  command.result_channel = true;
  Limits limits = TestLimits();
  limits.result_bytes = 1000;
  const Outcome outcome = sandbox::Run(command, limits, Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOutput) << StatusName(outcome.status);
  EXPECT_EQ(outcome.result_data.size(), 1000u);
}

TEST(RunTest, StderrFloodIsTruncatedNotFatal) {
  Limits limits = TestLimits();
  limits.stderr_bytes = 1000;
  const Outcome outcome =
      sandbox::Run(Sh("head -c 1000000 /dev/zero >&2; echo done"), limits, Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.stderr_data.size(), 1000u);
  EXPECT_TRUE(outcome.stderr_truncated);
  EXPECT_EQ(outcome.stdout_data, "done\n");
}

TEST(RunTest, FileSizeLimitIsOutput) {
  char dir_template[] = "/tmp/sandbox_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  Command command = Sh("exec head -c 5000 /dev/zero > big");
  command.working_dir = dir_template;
  command.writable_dirs = {dir_template};
  Limits limits = TestLimits();
  limits.file_size_bytes = 1000;
  const Outcome outcome = sandbox::Run(command, limits, Policy::kCompile);
  unlink((std::string(dir_template) + "/big").c_str());
  rmdir(dir_template);
  EXPECT_EQ(outcome.status, Status::kOutput) << StatusName(outcome.status);
  EXPECT_EQ(outcome.signal, SIGXFSZ);
}

TEST(RunTest, MemoryHogDoesNotSucceed) {
  Limits limits = TestLimits();
  limits.memory_bytes = 256 << 20;
  limits.wall_time = milliseconds(30000);  // python is slow to fault in pages on a busy host
  limits.cpu_time = milliseconds(10000);
  const Outcome outcome = sandbox::Run(Program({"/usr/bin/python3", "-c", "x = bytearray(10**9)"}),
                                       limits, Policy::kCompile);
  EXPECT_FALSE(outcome.status == Status::kOk && outcome.exit_code == 0)
      << "a 1 GB allocation succeeded under a 256 MB limit";
  EXPECT_NE(outcome.status, Status::kSandboxError) << outcome.error;
  // The memory cgroup OOM-kills it; under the RLIMIT_AS fallback the allocation fails instead.
  EXPECT_TRUE(outcome.status == Status::kMemory ||
              outcome.stderr_data.find("MemoryError") != std::string::npos)
      << StatusName(outcome.status) << " " << outcome.stderr_data;
}

// Touches ~232 MB of a 256 MB budget, then dies by SIGKILL as the OOM killer would do it.
TEST(RunTest, SigkillNearTheMemoryLimitIsMemory) {
  Limits limits = TestLimits();
  limits.memory_bytes = 256 << 20;
  limits.wall_time = milliseconds(30000);  // python is slow to fault in pages on a busy host
  limits.cpu_time = milliseconds(10000);
  const Outcome outcome = sandbox::Run(
      Program(
          {"/usr/bin/python3", "-c",
           "import os, signal\nx = b'\\x01' * (232 << 20)\nos.kill(os.getpid(), signal.SIGKILL)"}),
      limits, Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kMemory)
      << StatusName(outcome.status) << " peak=" << outcome.peak_memory_bytes << " "
      << outcome.stderr_data;
  EXPECT_EQ(outcome.signal, SIGKILL);
  EXPECT_GE(outcome.peak_memory_bytes, int64_t{230} << 20);
}

// A forked child starts as a copy of the grader; its ru_maxrss remembers that copy. The reported
// peak must be the program's, not the grader's.
TEST(RunTest, PeakMemoryIsNotTheGradersOwn) {
  std::vector<char> ballast(128 << 20);
  std::memset(ballast.data(), 1, ballast.size());
  const Outcome outcome = sandbox::Run(Program({"/bin/true"}), TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_LT(outcome.peak_memory_bytes, int64_t{64} << 20);
  EXPECT_EQ(ballast[12345], 1);
}

// Pids inside the box are the box's own (pid namespace): look for the process by a unique
// argument instead.
bool LiveProcessWithArgument(const std::string& argument) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(argument) != std::string::npos && !IsDead(std::stoi(name))) return true;
  }
  return false;
}

std::string UniqueSleep() {
  return "100." + std::to_string(getpid()) +
         std::to_string(Clock::now().time_since_epoch().count() % 100000);
}

TEST(RunTest, BackgroundGrandchildIsKilled) {
  const std::string seconds = UniqueSleep();
  const Outcome outcome =
      sandbox::Run(Sh("sleep " + seconds + " & echo $!"), TestLimits(), Policy::kCompile);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_GT(std::stoi(outcome.stdout_data), 1);
  EXPECT_FALSE(LiveProcessWithArgument(seconds));
}

// A descendant in its own session escapes the group kill but not the pid namespace, and holds
// stdout open: sandbox::Run() must return anyway, and it must be gone.
TEST(RunTest, EscapedDescendantHoldingStdoutDoesNotHangRun) {
  const std::string seconds = UniqueSleep();
  const Clock::time_point start = Clock::now();
  const Outcome outcome = sandbox::Run(Sh("/usr/bin/setsid /bin/sleep " + seconds + " & echo $!"),
                                       TestLimits(), Policy::kCompile);
  const milliseconds elapsed = Since(start);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_LT(elapsed, milliseconds(1000));
  EXPECT_FALSE(LiveProcessWithArgument(seconds));
}

TEST(RunTest, MissingProgramIsSandboxErrorNamingThePath) {
  const Outcome outcome =
      sandbox::Run(Program({"/no/such/program"}), TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("/no/such/program"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("No such file or directory"), std::string::npos) << outcome.error;
}

TEST(RunTest, BadWorkingDirIsSandboxError) {
  Command command = Program({"/bin/true"});
  command.working_dir = "/no/such/dir";
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("chdir(\"/no/such/dir\")"), std::string::npos) << outcome.error;
}

TEST(RunTest, RelativeProgramIsSandboxError) {
  const Outcome outcome = sandbox::Run(Program({"true"}), TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("absolute"), std::string::npos) << outcome.error;
}

TEST(RunTest, InvalidLimitsAreSandboxErrorNamingTheField) {
  Limits limits = TestLimits();
  limits.memory_bytes = 0;
  const Outcome outcome = sandbox::Run(Program({"/bin/true"}), limits, Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("limits.memory_bytes"), std::string::npos) << outcome.error;
}

TEST(RunTest, UnreadStdinDoesNotHang) {
  Command command = Sh("sleep 0.1");
  command.stdin_data.assign(10 << 20, 'x');
  const Clock::time_point start = Clock::now();
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_LT(Since(start), milliseconds(1000));
}

// The child closes its stdin while we still write: EPIPE, and the grader must not die of SIGPIPE.
TEST(RunTest, ChildClosingStdinDoesNotKillTheGrader) {
  Command command = Sh("exec 0<&-; sleep 0.1; echo alive");
  command.stdin_data.assign(10 << 20, 'x');
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "alive\n");
}

// The grader blocks SIGPIPE while it runs a child; the child must get the default back, or `yes`
// would see EPIPE and complain on stderr instead of dying quietly of SIGPIPE.
TEST(RunTest, ChildStartsWithDefaultSignalState) {
  const sandbox::Outcome outcome =
      sandbox::Run(Sh("/usr/bin/yes | /usr/bin/head -c 4"), TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "y\ny\n");
  EXPECT_EQ(outcome.stderr_data, "");
}

TEST(RunTest, SelfSegvIsSignaled) {
  const Outcome outcome = sandbox::Run(Sh("kill -SEGV $$"), TestLimits(), Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kSignaled) << StatusName(outcome.status);
  EXPECT_EQ(outcome.signal, SIGSEGV);
}

TEST(RunTest, ConcurrentRunsAreIndependent) {
  constexpr int kThreads = 8;
  std::vector<Outcome> outcomes(kThreads);
  std::vector<std::string> inputs(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    inputs[i] = "input of run " + std::to_string(i) + "\n" + std::string(size_t{100000} * i, 'a');
    threads.emplace_back([i, &inputs, &outcomes] {
      Command command = Sh("cat; echo err" + std::to_string(i) + " >&2; exit " + std::to_string(i));
      command.stdin_data = inputs[i];
      Limits limits = TestLimits();
      limits.stdout_bytes = 1 << 20;
      outcomes[i] = sandbox::Run(command, limits, Policy::kCompile);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(outcomes[i].status, Status::kOk) << i << ": " << outcomes[i].error;
    EXPECT_EQ(outcomes[i].exit_code, i);
    EXPECT_EQ(outcomes[i].stdout_data, inputs[i]) << i;
    EXPECT_EQ(outcomes[i].stderr_data, "err" + std::to_string(i) + "\n");
  }
}

// ---------------------------------------------------------------- the execute policy

Command Probe(std::vector<std::string> args) {
  Command command;
  command.argv = {SANDBOX_PROBE};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  command.env = {"LANG=C"};
  command.working_dir = "/";
  return command;
}

Limits ProbeLimits() {
  Limits limits = TestLimits();
  limits.processes = 1;
  limits.memory_bytes = 64 << 20;
  return limits;
}

TEST(ExecuteTest, StaticProgramRunsWithItsPipes) {
  Command command = Probe({"echo"});
  command.stdin_data = "hello";
  command.result_channel = true;
  const Outcome outcome = sandbox::Run(command, ProbeLimits(), Policy::kExecute);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error << outcome.forbidden_syscall;
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.stdout_data, "hello");
  EXPECT_EQ(outcome.result_data, "result");
  EXPECT_GT(outcome.peak_memory_bytes, 0);
  EXPECT_LT(outcome.peak_memory_bytes, int64_t{16} << 20);
  if (geteuid() == 0) {
    EXPECT_EQ(outcome.error, "") << "a layer is missing";
  }
}

struct ForbiddenCase {
  const char* mode;
  const char* syscall;  // "" when the kernel kills it unnamed (foreign ABI)
};

class ForbiddenTest : public ::testing::TestWithParam<ForbiddenCase> {};

TEST_P(ForbiddenTest, IsForbiddenSyscallNamingIt) {
  const Clock::time_point start = Clock::now();
  const Outcome outcome = sandbox::Run(Probe({GetParam().mode}), ProbeLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kForbiddenSyscall)
      << StatusName(outcome.status) << " exit=" << outcome.exit_code << " " << outcome.error;
  if (*GetParam().syscall != '\0') {
    EXPECT_EQ(outcome.forbidden_syscall, GetParam().syscall);
  }
  EXPECT_FALSE(outcome.forbidden_syscall.empty());
  EXPECT_LT(Since(start), milliseconds(1000));
}

INSTANTIATE_TEST_SUITE_P(
    Calls, ForbiddenTest,
    ::testing::Values(ForbiddenCase{"open", "openat"}, ForbiddenCase{"fork", "clone"},
                      ForbiddenCase{"socket", "socket"}, ForbiddenCase{"kill_all", "kill"},
                      ForbiddenCase{"getuid", "getuid"}, ForbiddenCase{"thread", "clone"}),
    [](const ::testing::TestParamInfo<ForbiddenCase>& param_info) {
      return std::string(param_info.param.mode);
    });

// An i386 or x32 syscall dies: SIGSYS from the filter's bad-arch action, or SIGSEGV on kernels
// without the 32-bit entry point.
TEST(ExecuteTest, ForeignAbiNeverRuns) {
  for (const char* mode : {"i386", "x32"}) {
    const Outcome outcome = sandbox::Run(Probe({mode}), ProbeLimits(), Policy::kExecute);
    EXPECT_TRUE(outcome.status == Status::kForbiddenSyscall ||
                (outcome.status == Status::kSignaled && outcome.signal == SIGSEGV))
        << mode << ": " << StatusName(outcome.status) << " signal " << outcome.signal;
  }
}

TEST(ExecuteTest, AbortIsItsOwnSignal) {
  const Outcome outcome = sandbox::Run(Probe({"abort"}), ProbeLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kSignaled) << StatusName(outcome.status) << outcome.error;
  EXPECT_EQ(outcome.signal, SIGABRT);
}

TEST(ExecuteTest, PathsResolveInAnEmptyRoot) {
  const Outcome outcome = sandbox::Run(Probe({"stat"}), ProbeLimits(), Policy::kExecute);
  ASSERT_EQ(outcome.status, Status::kOk) << StatusName(outcome.status) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "-1 " + std::to_string(ENOENT) + "\n");
}

TEST(ExecuteTest, MemoryCgroupStopsATouchedHog) {
  if (geteuid() != 0) GTEST_SKIP() << "cgroups need root";
  const Outcome outcome = sandbox::Run(Probe({"touch_mb", "200"}), ProbeLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kMemory) << StatusName(outcome.status) << outcome.error;
  EXPECT_GE(outcome.peak_memory_bytes, int64_t{60} << 20);
}

// The box init shares the grader's memory; were it in the box's memory cgroup, the OOM killer
// would pick it (it looks as big as the grader) and kill the grader with it.
TEST(ExecuteTest, OomInTheBoxNeverReachesALargerGrader) {
  if (geteuid() != 0) GTEST_SKIP() << "cgroups need root";
  std::vector<char> ballast(128 << 20);  // twice the box's limit: the OOM killer's first pick
  std::memset(ballast.data(), 1, ballast.size());
  const Outcome outcome = sandbox::Run(Probe({"touch_mb", "200"}), ProbeLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kMemory) << StatusName(outcome.status) << outcome.error;
  EXPECT_LT(outcome.peak_memory_bytes, int64_t{128} << 20);  // the box's, not the grader's
  EXPECT_EQ(ballast[12345], 1);
}

// Consecutive runs of a thread reuse its slot's kept cgroups: each run's peak, OOM verdict and
// memory limit are its own, whether the limit goes down or up.
TEST(ExecuteTest, KeptCgroupsForgetThePreviousRun) {
  if (geteuid() != 0) GTEST_SKIP() << "cgroups need root";
  Limits small = ProbeLimits();
  Limits large = ProbeLimits();
  large.memory_bytes = 256 << 20;
  const Outcome hog = sandbox::Run(Probe({"touch_mb", "100"}), small, Policy::kExecute);
  EXPECT_EQ(hog.status, Status::kMemory) << StatusName(hog.status) << hog.error;
  const Outcome fits = sandbox::Run(Probe({"touch_mb", "100"}), large, Policy::kExecute);
  EXPECT_EQ(fits.status, Status::kOk) << StatusName(fits.status) << fits.error;
  EXPECT_GE(fits.peak_memory_bytes, int64_t{100} << 20);
  const Outcome quiet = sandbox::Run(Probe({"exit", "0"}), small, Policy::kExecute);
  EXPECT_EQ(quiet.status, Status::kOk) << StatusName(quiet.status) << quiet.error;
  EXPECT_LT(quiet.peak_memory_bytes, int64_t{16} << 20);
  const Outcome hog_again = sandbox::Run(Probe({"touch_mb", "100"}), small, Policy::kExecute);
  EXPECT_EQ(hog_again.status, Status::kMemory) << StatusName(hog_again.status);
}

TEST(ExecuteTest, SpinIsCpuTime) {
  Limits limits = ProbeLimits();
  limits.cpu_time = milliseconds(300);
  const Outcome outcome = sandbox::Run(Probe({"spin"}), limits, Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kCpuTime) << StatusName(outcome.status);
}

TEST(ExecuteTest, SymlinkToProgramIsRefused) {
  char dir_template[] = "/tmp/sandbox_test_XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string link = std::string(dir_template) + "/program";
  ASSERT_EQ(symlink(SANDBOX_PROBE, link.c_str()), 0);
  Command command = Probe({"exit", "0"});
  command.argv[0] = link;
  const Outcome outcome = sandbox::Run(command, ProbeLimits(), Policy::kExecute);
  unlink(link.c_str());
  rmdir(dir_template);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find(link), std::string::npos) << outcome.error;
}

// ---------------------------------------------------------------- the compile policy's view

TEST(CompileViewTest, RunsAsTheBoxUidWithoutNetworkOrHostFiles) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  const Outcome outcome = sandbox::Run(
      Sh("id -u; id -G; ls /; test -e /etc/passwd && echo passwd; test -e /work && echo work;"
         " cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' '; hostname"),
      TestLimits(), Policy::kCompile);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error << outcome.stderr_data;
  std::istringstream lines(outcome.stdout_data);
  std::string uid;
  std::string groups;
  std::getline(lines, uid);
  std::getline(lines, groups);
  EXPECT_GE(std::stoi(uid), 60000);
  EXPECT_EQ(groups, uid);
  EXPECT_EQ(outcome.stdout_data.find("passwd"), std::string::npos) << outcome.stdout_data;
  EXPECT_EQ(outcome.stdout_data.find("work\n"), std::string::npos) << outcome.stdout_data;
  EXPECT_NE(outcome.stdout_data.find("lo\nsandbox\n"), std::string::npos) << outcome.stdout_data;
}

// ---------------------------------------------------------------- Command::in_process

int g_touched_by_the_box = 0;

// What a box shows the code it runs in process: uid, environment, files, network, seccomp.
int ReportFromInsideTheBox(const Command& command) {
  g_touched_by_the_box = 1;  // the box's own copy of memory: the caller never sees this
  const char* only = getenv("ONLY");
  char host[64] = {};
  gethostname(host, sizeof host - 1);
  std::printf("argv0=%s uid=%d only=%s host=%s passwd=%d work=%d\n", command.argv[0].c_str(),
              static_cast<int>(getuid()), only == nullptr ? "-" : only, host,
              access("/etc/passwd", F_OK) == 0, access("/work", F_OK) == 0);
  const int sock = socket(AF_INET, SOCK_STREAM, 0);
  std::printf("socket=%s\n", sock < 0 ? std::strerror(errno) : "open");
  std::fprintf(stderr, "to stderr\n");
  return 9;
}

// The fds the box's process holds, but the one that lists them.
int ListOpenFds(const Command&) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const std::string fd = entry.path().filename().string();
    std::error_code error;
    const auto target = std::filesystem::read_symlink(entry.path(), error);
    if (target.string().rfind("/proc/", 0) != 0) std::printf("%s ", fd.c_str());
  }
  return 0;
}

int SpinForever(const Command&) {
  volatile unsigned long spins = 0;
  for (;;) spins = spins + 1;
}

TEST(InProcessTest, RunsTheFunctionInTheBoxInsteadOfExecing) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root";
  Command command = Program({"/not/executed"});
  command.env = {"ONLY=this"};
  command.in_process = ReportFromInsideTheBox;
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kCompile);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error << outcome.stderr_data;
  EXPECT_EQ(outcome.exit_code, 9);
  EXPECT_EQ(g_touched_by_the_box, 0);
  std::istringstream lines(outcome.stdout_data);
  std::string first;
  std::string second;
  std::getline(lines, first);
  std::getline(lines, second);
  EXPECT_NE(first.find("argv0=/not/executed uid=6"), std::string::npos) << first;
  EXPECT_NE(first.find(" only=this host=sandbox passwd=0 work=0"), std::string::npos) << first;
  EXPECT_EQ(second, "socket=Permission denied");  // the compile policy's seccomp denylist
  EXPECT_EQ(outcome.stderr_data, "to stderr\n");
}

// The caller's memory comes along (a fork), its fds do not: a compile server's socket to the
// grader is not reachable from the box.
TEST(InProcessTest, TheCallersFdsAreClosed) {
  int ends[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, ends), 0);  // inheritable, on purpose
  Command command = Program({"/not/executed"});
  command.in_process = ListOpenFds;
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kCompile);
  ::close(ends[0]);
  ::close(ends[1]);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error << outcome.stderr_data;
  EXPECT_EQ(outcome.stdout_data, "0 1 2 ") << "socket fds " << ends[0] << ", " << ends[1];
}

TEST(InProcessTest, LimitsStillApply) {
  Command command = Program({"/not/executed"});
  command.in_process = SpinForever;
  Limits limits = TestLimits();
  limits.cpu_time = milliseconds(300);
  const Outcome outcome = sandbox::Run(command, limits, Policy::kCompile);
  EXPECT_EQ(outcome.status, Status::kCpuTime) << outcome.error;
}

TEST(InProcessTest, IsRefusedForTheExecutePolicy) {
  Command command = Program({"/not/executed"});
  command.in_process = ReportFromInsideTheBox;
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("in_process is for kCompile boxes only"), std::string::npos)
      << outcome.error;
  EXPECT_EQ(g_touched_by_the_box, 0);
}

// --- cgroups left by killed graders ----------------------------------------------------------

pid_t ReapedPid() {
  const pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status = 0;
  waitpid(pid, &status, 0);
  return pid;
}

TEST(OrphanGroupsTest, OnlyGroupsOfGoneOwnersAreRemoved) {
  // Plain directories stand in for the cgroup parents: rmdir behaves alike, and a group with
  // processes (rmdir refuses it) is a non-empty directory.
  char parent_template[] = "/tmp/orphan-groups-XXXXXX";
  ASSERT_NE(mkdtemp(parent_template), nullptr);
  const std::filesystem::path parent = parent_template;
  const Owner self = SelfOwner();
  const std::string dead = std::to_string(ReapedPid());
  const std::string own = std::to_string(self.pid);
  const std::vector<std::string> gone = {
      "dlgrader-box-" + dead + "-4242-0",  // the owner exited
      "dlgrader-box-" + own + "-1-3",      // our pid, another start: a reused pid
      "dlgrader-box-" + dead + "-7",       // an older name: pid only
  };
  const std::vector<std::string> kept = {
      "dlgrader-box-" + OwnerTag(self) + "-5",  // a live grader's
      "dlgrader-box-" + own + "-8",             // older name, live pid
      "dlgrader-box-" + dead + "-4242-busy",    // not our name pattern
      "other-" + dead + "-4242-0",
  };
  for (const auto& name : gone) std::filesystem::create_directory(parent / name);
  for (const auto& name : kept) std::filesystem::create_directory(parent / name);
  const std::string busy = "dlgrader-box-" + dead + "-4242-1";  // still has processes
  std::filesystem::create_directories(parent / busy / "tasks");
  EXPECT_EQ(RemoveOrphanGroups({parent.string()}), gone.size());
  for (const auto& name : gone) EXPECT_FALSE(std::filesystem::exists(parent / name)) << name;
  for (const auto& name : kept) EXPECT_TRUE(std::filesystem::exists(parent / name)) << name;
  EXPECT_TRUE(std::filesystem::exists(parent / busy));
  std::filesystem::remove_all(parent);
}

}  // namespace
}  // namespace sandbox
