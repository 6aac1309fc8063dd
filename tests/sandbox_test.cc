// Tests for sandbox/: the pure classifier (table-driven, no processes) and black-box runs of
// real programs (/bin/sh, /bin/cat, /usr/bin/yes, /usr/bin/python3) under limits.
#include "sandbox/sandbox.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/classify.h"

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

bool BecomesDead(pid_t pid, milliseconds within) {
  const Clock::time_point start = Clock::now();
  while (Since(start) < within) {
    if (IsDead(pid)) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return IsDead(pid);
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
  const Outcome outcome = sandbox::Run(Sh("exit 7"), TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 7);
  EXPECT_EQ(outcome.signal, 0);
}

TEST(RunTest, StdinIsEchoedByCat) {
  Command command = Program({"/bin/cat"});
  command.stdin_data = "hello\nworld";
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kExecute);
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
  const Outcome outcome = sandbox::Run(command, limits, Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, command.stdin_data);
}

TEST(RunTest, EnvironmentIsExactlyTheGivenOne) {
  Command command = Program({"/usr/bin/env"});
  command.env = {"ONLY=this"};
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "ONLY=this\n");
}

TEST(RunTest, ResultChannelLandsInResultData) {
  Command command = Sh("echo hi >&3");
  command.result_channel = true;
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.result_data, "hi\n");
  EXPECT_EQ(outcome.stdout_data, "");
}

TEST(RunTest, WithoutResultChannelFd3IsClosed) {
  const Outcome outcome = sandbox::Run(Sh("echo hi >&3"), TestLimits(), Policy::kExecute);
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
  const Outcome outcome = sandbox::Run(Sh(script), TestLimits(), Policy::kExecute);
  close(leaked);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "checked\n");
}

TEST(RunTest, RlimitsAreApplied) {
  Limits limits = TestLimits();
  limits.cpu_time = milliseconds(1500);
  const Outcome outcome =
      sandbox::Run(Sh("ulimit -n; ulimit -c; ulimit -t"), limits, Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "64\n0\n2\n");  // CPU seconds rounded up
}

TEST(RunTest, InfiniteLoopIsCpuTime) {
  Limits limits = TestLimits();
  limits.cpu_time = milliseconds(1000);
  limits.wall_time = milliseconds(5000);
  const Clock::time_point start = Clock::now();
  const Outcome outcome = sandbox::Run(Sh("while :; do :; done"), limits, Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kCpuTime) << StatusName(outcome.status);
  // rusage is tick-scaled: SIGXCPU at 1 s can be reported as 987 ms.
  EXPECT_GE(outcome.cpu_time, milliseconds(900));
  EXPECT_LT(Since(start), milliseconds(3000));  // well before the 5 s wall limit
}

TEST(RunTest, SleepIsWallTime) {
  Limits limits = TestLimits();
  limits.wall_time = milliseconds(500);
  const Clock::time_point start = Clock::now();
  const Outcome outcome = sandbox::Run(Program({"/bin/sleep", "30"}), limits, Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kWallTime) << StatusName(outcome.status);
  EXPECT_EQ(outcome.signal, SIGKILL);
  EXPECT_GE(outcome.wall_time, milliseconds(500));
  EXPECT_LT(Since(start), milliseconds(1000));
}

TEST(RunTest, StdoutFloodIsOutputAtExactlyTheCap) {
  Limits limits = TestLimits();
  limits.stdout_bytes = 64 << 10;
  const Clock::time_point start = Clock::now();
  const Outcome outcome = sandbox::Run(Program({"/usr/bin/yes"}), limits, Policy::kExecute);
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
  const Outcome outcome = sandbox::Run(command, limits, Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kOutput) << StatusName(outcome.status);
  EXPECT_EQ(outcome.result_data.size(), 1000u);
}

TEST(RunTest, StderrFloodIsTruncatedNotFatal) {
  Limits limits = TestLimits();
  limits.stderr_bytes = 1000;
  const Outcome outcome =
      sandbox::Run(Sh("head -c 1000000 /dev/zero >&2; echo done"), limits, Policy::kExecute);
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
  const Outcome outcome = sandbox::Run(Program({"/usr/bin/python3", "-c", "x = bytearray(10**9)"}),
                                       limits, Policy::kExecute);
  EXPECT_FALSE(outcome.status == Status::kOk && outcome.exit_code == 0)
      << "a 1 GB allocation succeeded under a 256 MB limit";
  EXPECT_NE(outcome.status, Status::kSandboxError) << outcome.error;
  EXPECT_NE(outcome.stderr_data.find("MemoryError"), std::string::npos) << outcome.stderr_data;
}

// Touches ~232 MB of a 256 MB budget, then dies by SIGKILL as the OOM killer would do it.
TEST(RunTest, SigkillNearTheMemoryLimitIsMemory) {
  Limits limits = TestLimits();
  limits.memory_bytes = 256 << 20;
  const Outcome outcome = sandbox::Run(
      Program(
          {"/usr/bin/python3", "-c",
           "import os, signal\nx = b'\\x01' * (232 << 20)\nos.kill(os.getpid(), signal.SIGKILL)"}),
      limits, Policy::kExecute);
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
  const Outcome outcome = sandbox::Run(Program({"/bin/true"}), TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_LT(outcome.peak_memory_bytes, int64_t{64} << 20);
  EXPECT_EQ(ballast[12345], 1);
}

TEST(RunTest, BackgroundGrandchildIsKilled) {
  const Outcome outcome = sandbox::Run(Sh("sleep 100 & echo $!"), TestLimits(), Policy::kCompile);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error;
  const pid_t grandchild = std::stoi(outcome.stdout_data);
  ASSERT_GT(grandchild, 1);
  EXPECT_TRUE(BecomesDead(grandchild, milliseconds(1000))) << "pid " << grandchild;
}

// A descendant in its own session escapes the group kill (until cgroups) and holds stdout open:
// sandbox::Run() must return anyway.
TEST(RunTest, EscapedDescendantHoldingStdoutDoesNotHangRun) {
  const Clock::time_point start = Clock::now();
  const Outcome outcome =
      sandbox::Run(Sh("/usr/bin/setsid /bin/sleep 5 & echo $!"), TestLimits(), Policy::kCompile);
  const milliseconds elapsed = Since(start);
  ASSERT_EQ(outcome.status, Status::kOk) << outcome.error;
  const pid_t escaped = std::stoi(outcome.stdout_data);
  if (escaped > 1) kill(escaped, SIGKILL);
  EXPECT_LT(elapsed, milliseconds(1000));
}

TEST(RunTest, MissingProgramIsSandboxErrorNamingThePath) {
  const Outcome outcome =
      sandbox::Run(Program({"/no/such/program"}), TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("/no/such/program"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("No such file or directory"), std::string::npos) << outcome.error;
}

TEST(RunTest, BadWorkingDirIsSandboxError) {
  Command command = Program({"/bin/true"});
  command.working_dir = "/no/such/dir";
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("chdir(\"/no/such/dir\")"), std::string::npos) << outcome.error;
}

TEST(RunTest, RelativeProgramIsSandboxError) {
  const Outcome outcome = sandbox::Run(Program({"true"}), TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("absolute"), std::string::npos) << outcome.error;
}

TEST(RunTest, InvalidLimitsAreSandboxErrorNamingTheField) {
  Limits limits = TestLimits();
  limits.memory_bytes = 0;
  const Outcome outcome = sandbox::Run(Program({"/bin/true"}), limits, Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kSandboxError);
  EXPECT_NE(outcome.error.find("limits.memory_bytes"), std::string::npos) << outcome.error;
}

TEST(RunTest, UnreadStdinDoesNotHang) {
  Command command = Sh("sleep 0.1");
  command.stdin_data.assign(10 << 20, 'x');
  const Clock::time_point start = Clock::now();
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_LT(Since(start), milliseconds(1000));
}

// The child closes its stdin while we still write: EPIPE, and the grader must not die of SIGPIPE.
TEST(RunTest, ChildClosingStdinDoesNotKillTheGrader) {
  Command command = Sh("exec 0<&-; sleep 0.1; echo alive");
  command.stdin_data.assign(10 << 20, 'x');
  const Outcome outcome = sandbox::Run(command, TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "alive\n");
}

// The grader blocks SIGPIPE while it runs a child; the child must get the default back, or `yes`
// would see EPIPE and complain on stderr instead of dying quietly of SIGPIPE.
TEST(RunTest, ChildStartsWithDefaultSignalState) {
  const sandbox::Outcome outcome =
      sandbox::Run(Sh("/usr/bin/yes | /usr/bin/head -c 4"), TestLimits(), Policy::kExecute);
  EXPECT_EQ(outcome.status, Status::kOk) << outcome.error;
  EXPECT_EQ(outcome.stdout_data, "y\ny\n");
  EXPECT_EQ(outcome.stderr_data, "");
}

TEST(RunTest, SelfSegvIsSignaled) {
  const Outcome outcome = sandbox::Run(Sh("kill -SEGV $$"), TestLimits(), Policy::kExecute);
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
      outcomes[i] = sandbox::Run(command, limits, Policy::kExecute);
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

}  // namespace
}  // namespace sandbox
