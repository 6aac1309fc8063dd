#include "compiler/servers.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <thread>

#include "compiler/protocol.h"

namespace compiler {
namespace {

// How long past the command's own wall-time limit (which the server enforces) we wait for an
// answer before calling the server lost: its start-up, under load, is part of the first answer.
constexpr std::chrono::seconds kAnswerGrace{60};

sandbox::Outcome ServerError(const std::string& what) {
  sandbox::Outcome outcome;
  outcome.status = sandbox::Status::kSandboxError;
  outcome.error = "compile server: " + what;
  return outcome;
}

// Waits for readable data until `deadline`; false on time-out or error.
bool AwaitReadable(int fd, std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    const auto remaining =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) return false;
    pollfd ready{fd, POLLIN, 0};
    const int polled = ::poll(&ready, 1, static_cast<int>(remaining.count()));
    if (polled < 0 && errno == EINTR) continue;
    return polled > 0;
  }
}

}  // namespace

CompileServers::CompileServers(std::filesystem::path program) : program_(std::move(program)) {}

CompileServers::~CompileServers() {
  std::lock_guard lock(mutex_);
  for (Server& server : idle_) End(server);
}

int CompileServers::started() const {
  std::lock_guard lock(mutex_);
  return started_;
}

std::vector<pid_t> CompileServers::pids() const {
  std::lock_guard lock(mutex_);
  std::vector<pid_t> pids = busy_;
  for (const Server& server : idle_) pids.push_back(server.pid);
  return pids;
}

void CompileServers::Prestart() {
  base::StatusOr<Server> server = Start();
  if (server.ok()) Give(std::move(*server));
}

base::StatusOr<CompileServers::Server> CompileServers::Start() {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
    return base::Status::Internal(std::string("socketpair failed: ") + std::strerror(errno));
  }
  sandbox::UniqueFd ours(ends[0]);
  sandbox::UniqueFd theirs(ends[1]);
  if (theirs.get() == kServerSocketFd) {
    // dup2 onto itself would keep O_CLOEXEC: move it out of the way first.
    theirs = sandbox::UniqueFd(::fcntl(theirs.get(), F_DUPFD_CLOEXEC, kServerSocketFd + 1));
    if (!theirs.valid()) return base::Status::Internal("cannot move the server's socket");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, theirs.get(), kServerSocketFd);
  posix_spawn_file_actions_addclosefrom_np(&actions, kServerSocketFd + 1);
  const std::string program = program_.string();
  char* argv[] = {const_cast<char*>(program.c_str()), nullptr};
  // At most one server per core gets its own copies of clang's code and of the precompiled
  // headers it reads (compiler/huge_text.h): more would not compile faster, only hold more
  // memory.
  bool huge_code = false;
  {
    std::lock_guard lock(mutex_);
    huge_code = huge_code_servers_ < std::max(1u, std::thread::hardware_concurrency());
    if (huge_code) ++huge_code_servers_;
  }
  // Its own environment: nothing of the grader's (tokens, database URLs) reaches it. malloc
  // asks for transparent huge pages (madvise) and serves every allocation from one heap that
  // grows 256 MB at a time and is never trimmed: a compile touches tens of MB of fresh heap (the
  // PCH's tables), and 2 MB pages instead of 4 KB ones halve the page faults of a submission and
  // save about a fifth of its CPU (docs/compile-pipeline.md). Without the thresholds, big
  // allocations would get their own mmap, mostly too small or misaligned for a huge page.
  char* envp[] = {const_cast<char*>("PATH=/usr/bin:/bin"),
                  const_cast<char*>("LANG=C"),
                  const_cast<char*>("LC_ALL=C"),
                  const_cast<char*>("GLIBC_TUNABLES=glibc.malloc.hugetlb=1"
                                    ":glibc.malloc.mmap_threshold=1073741824"
                                    ":glibc.malloc.top_pad=268435456"
                                    ":glibc.malloc.trim_threshold=1073741824"),
                  const_cast<char*>(huge_code ? "GRADER_COMPILER_HUGE_PAGES=1" : nullptr),
                  nullptr};
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, program.c_str(), &actions, nullptr, argv, envp);
  posix_spawn_file_actions_destroy(&actions);
  std::lock_guard lock(mutex_);
  if (spawned != 0) {
    if (huge_code) --huge_code_servers_;
    return base::Status::Internal("cannot start " + program + ": " + std::strerror(spawned));
  }
  ++started_;
  return Server{pid, std::move(ours), huge_code};
}

base::StatusOr<CompileServers::Server> CompileServers::Take(bool* fresh) {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      Server server = std::move(idle_.back());
      idle_.pop_back();
      busy_.push_back(server.pid);
      *fresh = false;
      return server;
    }
  }
  *fresh = true;
  base::StatusOr<Server> started = Start();
  if (!started.ok()) return started.status();
  std::lock_guard lock(mutex_);
  busy_.push_back(started->pid);
  return std::move(*started);
}

void CompileServers::Give(Server server) {
  std::lock_guard lock(mutex_);
  busy_.erase(std::remove(busy_.begin(), busy_.end(), server.pid), busy_.end());
  idle_.push_back(std::move(server));
}

void CompileServers::End(Server& server) {
  if (server.pid <= 0) return;
  server.socket.Reset();
  ::kill(server.pid, SIGKILL);
  int status = 0;
  while (::waitpid(server.pid, &status, 0) < 0 && errno == EINTR) {
  }
  server.pid = -1;
}

sandbox::Outcome CompileServers::Run(const sandbox::Command& command, const sandbox::Limits& limits,
                                     sandbox::Policy policy) {
  const std::string request = EncodeRequest(command, limits, policy);
  for (int attempt = 0;; ++attempt) {
    bool fresh = false;
    base::StatusOr<Server> taken = Take(&fresh);
    if (!taken.ok()) return ServerError(taken.status().message());
    Server server = std::move(*taken);
    const auto deadline = std::chrono::steady_clock::now() + limits.wall_time + kAnswerGrace;
    std::string failure;
    bool answered = false;
    base::Status sent = WriteFrame(server.socket.get(), request);
    if (!sent.ok()) {
      failure = sent.message();
    } else if (!AwaitReadable(server.socket.get(), deadline)) {
      failure =
          "no answer within the wall-time limit and " + std::to_string(kAnswerGrace.count()) + " s";
      answered = true;  // it may still be compiling: do not send the request again
    } else {
      base::StatusOr<std::string> frame = ReadFrame(server.socket.get());
      if (frame.ok()) {
        base::StatusOr<sandbox::Outcome> outcome = DecodeOutcome(*frame);
        if (outcome.ok()) {
          Give(std::move(server));
          return *outcome;
        }
        failure = outcome.status().message();
        answered = true;
      } else {
        failure = frame.status().message();
        answered = frame.status().code() != base::StatusCode::kNotFound;
      }
    }
    {
      std::lock_guard lock(mutex_);
      busy_.erase(std::remove(busy_.begin(), busy_.end(), server.pid), busy_.end());
      if (server.huge_code) --huge_code_servers_;
    }
    End(server);
    // A kept server that died while idle never saw the request: one retry on a fresh one.
    if (fresh || answered || attempt > 0) return ServerError(failure);
  }
}

}  // namespace compiler
