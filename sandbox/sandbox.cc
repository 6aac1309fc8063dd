// Theory of operation
//
// Run() is the whole life of one box, on the calling thread:
//   1. validate the Limits; decide what the box gets on this host: namespaces (namespaces.h), a
//      uid of its own (credentials.h), cgroups (cgroups.h: kExecute reuses its uid slot's pair,
//      kCompile makes a fresh one); kExecute: open the binary
//      (O_NOFOLLOW, must be a regular file); kCompile: hand the writable dirs to the box's uid;
//   2. build a LaunchPlan (launcher.h) in the parent, with the seccomp filter (seccomp_policy.h);
//   3. make the stdin/stdout/stderr(/result) pipes, the init's status pipe and the socket that
//      brings back the seccomp listener, all O_CLOEXEC;
//   4. clone; the child runs the policy's checklist and execs (launcher.cc);
//   5. wait on the error pipe: a record there is a sandbox failure, EOF means the program runs;
//   6. supervise it (supervisor.cc) until it exits, breaks a limit or makes a forbidden call;
//      kill its process group and reap the init: the pid namespace dies with it;
//   7. read the program's own wait status from the init, the cgroup's peak memory and OOM count,
//      remove a fresh pair of cgroups, and classify with the pure Classify() (classify.h).
// The grader side runs as root; the box's init as root inside the namespaces (a kExecute init in
// the grader's own memory, launcher.cc); the program as its box uid. Concurrent Run() calls share
// only the kernel, the empty network namespace and the slot lock directory.
#include "sandbox/sandbox.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

#include "base/status.h"
#include "sandbox/cgroups.h"
#include "sandbox/classify.h"
#include "sandbox/credentials.h"
#include "sandbox/errno_text.h"
#include "sandbox/launcher.h"
#include "sandbox/namespaces.h"
#include "sandbox/pipes.h"
#include "sandbox/procfs.h"
#include "sandbox/supervisor.h"

namespace sandbox {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

base::Status ValidateLimits(const Limits& limits) {
  struct Check {
    const char* name;
    int64_t value;
    int64_t minimum;
  };
  const Check checks[] = {
      {"limits.cpu_time (ms)", limits.cpu_time.count(), 1},
      {"limits.wall_time (ms)", limits.wall_time.count(), 1},
      {"limits.memory_bytes", limits.memory_bytes, 1},
      {"limits.file_size_bytes", limits.file_size_bytes, 0},
      {"limits.processes", limits.processes, 1},
      {"limits.stdout_bytes", limits.stdout_bytes, 0},
      {"limits.stderr_bytes", limits.stderr_bytes, 0},
      {"limits.result_bytes", limits.result_bytes, 0},
      {"limits.stack_bytes", limits.stack_bytes, 1},
  };
  for (const Check& check : checks) {
    if (check.value < check.minimum) {
      return base::Status::InvalidArgument(std::string(check.name) +
                                           " must be >= " + std::to_string(check.minimum) +
                                           ", got " + std::to_string(check.value));
    }
  }
  return base::Status::Ok();
}

Outcome SandboxError(std::string error) {
  Outcome outcome;
  outcome.status = Status::kSandboxError;
  outcome.error = std::move(error);
  return outcome;
}

milliseconds CpuTime(const rusage& usage) {
  const auto micros = [](const timeval& time) {
    return static_cast<int64_t>(time.tv_sec) * 1000000 + time.tv_usec;
  };
  return milliseconds((micros(usage.ru_utime) + micros(usage.ru_stime)) / 1000);
}

// A forked child starts as a copy of the grader's pages, and the kernel keeps that copy's size in
// the child's ru_maxrss across execve (observed: /bin/true forked from a 300 MB grader reports
// 300 MB). The copy is at most the grader's resident set at fork time, plus the few pages the
// child touches before exec; so ru_maxrss is the program's own peak only when it is larger than
// this bound. Otherwise the supervisor's VmHWM samples (a lower bound) stand in.
constexpr int64_t kForkSlackBytes = 1 << 20;

void AddNote(std::string* notes, const std::string& note) {
  if (note.empty()) return;
  if (!notes->empty()) *notes += "; ";
  *notes += note;
}

// kExecute: the binary, opened here so that no link is followed and only a regular file runs.
base::StatusOr<UniqueFd> OpenProgram(const std::string& path) {
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) {
    return base::Status::InvalidArgument("sandbox setup: cannot open the program \"" + path +
                                         "\": " + ErrnoText(errno));
  }
  struct stat st {};
  if (fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return base::Status::InvalidArgument("sandbox setup: the program \"" + path +
                                         "\" is not a regular file");
  }
  return fd;
}

// kCompile as root: the box's uid must be able to write its work directories. The directory is
// opened without following links and changed through the fd, never by path.
base::Status HandOver(const std::vector<std::string>& dirs, uid_t uid, gid_t gid) {
  for (const std::string& dir : dirs) {
    UniqueFd fd(open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid() || fchown(fd.get(), uid, gid) != 0) {
      return base::Status::Internal("sandbox setup: cannot hand " + dir +
                                    " to the box: " + ErrnoText(errno));
    }
  }
  return base::Status::Ok();
}

// The listener the program sent before exec (launcher.cc, InstallSeccomp), if it is there.
UniqueFd ReceiveListener(int socket_fd) {
  char byte = 0;
  iovec data{&byte, 1};
  char control[CMSG_SPACE(sizeof(int))];
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  if (recvmsg(socket_fd, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) != 1) return UniqueFd();
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  if (header == nullptr || header->cmsg_type != SCM_RIGHTS) return UniqueFd();
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(header), sizeof fd);
  return UniqueFd(fd);
}

}  // namespace

const char* StatusName(Status status) {
  switch (status) {
    case Status::kOk:
      return "OK";
    case Status::kCpuTime:
      return "CPU_TIME";
    case Status::kWallTime:
      return "WALL_TIME";
    case Status::kMemory:
      return "MEMORY";
    case Status::kOutput:
      return "OUTPUT";
    case Status::kSignaled:
      return "SIGNALED";
    case Status::kForbiddenSyscall:
      return "FORBIDDEN_SYSCALL";
    case Status::kSandboxError:
      return "SANDBOX_ERROR";
  }
  return "SANDBOX_ERROR";
}

Outcome Run(const Command& command, const Limits& limits, Policy policy) {
  if (base::Status valid = ValidateLimits(limits); !valid.ok()) {
    return SandboxError(valid.message());
  }
  if (command.in_process != nullptr && policy != Policy::kCompile) {
    return SandboxError("sandbox setup: command.in_process is for kCompile boxes only");
  }
  std::string notes;
  BoxSetup box;
  const NamespaceSetup namespaces = NamespacesFor(policy);
  box.clone_flags = namespaces.clone_flags;
  box.net_fd = namespaces.net_fd;
  AddNote(&notes, namespaces.note);
  const bool root = geteuid() == 0;
  std::optional<UidLease> lease;
  if (root) {
    base::StatusOr<std::string> state_dir = StateDir();
    if (!state_dir.ok()) return SandboxError(state_dir.status().message());
    box.state_dir = *state_dir;
    base::StatusOr<UidLease> acquired = UidLease::Acquire();
    if (!acquired.ok()) return SandboxError("sandbox setup: " + acquired.status().message());
    lease.emplace(std::move(*acquired));
    box.drop_privileges = true;
    box.uid = lease->uid();
    box.gid = lease->gid();
  } else {
    AddNote(&notes, "not root: the box keeps the grader's uid and has no filesystem view");
  }
  const bool has_init = (box.clone_flags & CLONE_NEWPID) != 0;
  // The init stays outside the groups: the program joins them (launcher.cc, JoinCgroups).
  const int64_t extra_processes = 0;
  // kExecute reuses its slot's groups; the compiler's (2 GiB, files written) get a fresh pair.
  BoxCgroup* cgroup = policy == Policy::kExecute && lease
                          ? SlotCgroup(lease->slot(), limits, extra_processes)
                          : nullptr;
  std::optional<BoxCgroup> fresh_cgroup;
  if (cgroup == nullptr) cgroup = &fresh_cgroup.emplace(BoxCgroup::Create(limits, extra_processes));
  AddNote(&notes, cgroup->note());
  box.cgroup_fds = cgroup->JoinFds();
  box.memory_cgroup = cgroup->memory_limited();
  UniqueFd program_fd;
  if (policy == Policy::kExecute && !command.argv.empty()) {
    base::StatusOr<UniqueFd> opened = OpenProgram(command.argv[0]);
    if (!opened.ok()) return SandboxError(opened.status().message());
    program_fd = std::move(*opened);
  }
  if (policy == Policy::kCompile && root) {
    if (base::Status handed = HandOver(command.writable_dirs, box.uid, box.gid); !handed.ok()) {
      return SandboxError(handed.message());
    }
  }

  base::StatusOr<LaunchPlan> plan = PrepareLaunch(command, limits, policy, box);
  if (!plan.ok()) return SandboxError(plan.status().message());

  // Our writes to a stdin pipe the child closed must fail with EPIPE, not kill the grader.
  ScopedSigpipeBlock no_sigpipe;
  base::StatusOr<Pipe> stdin_pipe = MakePipe();
  base::StatusOr<Pipe> stdout_pipe = MakePipe();
  base::StatusOr<Pipe> stderr_pipe = MakePipe();
  base::StatusOr<Pipe> result_pipe =
      command.result_channel ? MakePipe() : base::StatusOr<Pipe>(Pipe{});
  base::StatusOr<Pipe> status_pipe = has_init ? MakePipe() : base::StatusOr<Pipe>(Pipe{});
  for (const auto* pipe : {&stdin_pipe, &stdout_pipe, &stderr_pipe, &result_pipe, &status_pipe}) {
    if (!pipe->ok()) return SandboxError("sandbox setup: " + pipe->status().message());
  }
  UniqueFd notify_parent;
  UniqueFd notify_child;
  if (plan->seccomp != nullptr && plan->seccomp->notify) {
    int ends[2];
    if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, ends) != 0) {
      return SandboxError("sandbox setup: socketpair: " + ErrnoText(errno));
    }
    notify_parent.Reset(ends[0]);
    notify_child.Reset(ends[1]);
  }
  ChildFds child_fds{stdin_pipe->read_end.get(), stdout_pipe->write_end.get(),
                     stderr_pipe->write_end.get(), result_pipe->write_end.get()};
  child_fds.program_fd = program_fd.get();
  child_fds.status_fd = status_pipe->write_end.get();
  child_fds.notify_fd = notify_child.get();

  const int64_t grader_bytes_before_fork = OwnResidentBytes();
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + limits.wall_time;
  base::StatusOr<Launched> launched = Launch(*plan, child_fds);
  if (!launched.ok()) return SandboxError(launched.status().message());
  const pid_t pid = launched->pid;
  const int64_t inherited_rss_bound =
      std::max(grader_bytes_before_fork, OwnResidentBytes()) + kForkSlackBytes;
  // The child has its copies; ours would keep the streams from ever reaching EOF.
  stdin_pipe->read_end.Reset();
  stdout_pipe->write_end.Reset();
  stderr_pipe->write_end.Reset();
  result_pipe->write_end.Reset();
  status_pipe->write_end.Reset();
  notify_child.Reset();
  program_fd.Reset();

  if (base::Status exec = AwaitExec(*plan, *launched, deadline); !exec.ok()) {
    int wait_status = 0;
    rusage usage{};
    KillAndReap(pid, &wait_status, &usage);
    Outcome outcome = SandboxError(exec.message());
    outcome.wall_time = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
    return outcome;
  }

  Supervision supervision = Supervise(
      pid,
      ParentStreams{std::move(stdin_pipe->write_end), std::move(stdout_pipe->read_end),
                    std::move(stderr_pipe->read_end), std::move(result_pipe->read_end),
                    notify_parent.valid() ? ReceiveListener(notify_parent.get()) : UniqueFd()},
      command.stdin_data, limits, deadline);
  // The init is reaped, so every process of the box is gone: the groups can go too.
  const bool oom_killed = cgroup->OomKilled();
  const int64_t cgroup_peak_bytes = cgroup->PeakMemoryBytes();
  if (fresh_cgroup) fresh_cgroup->Remove();
  if (policy == Policy::kCompile && root) {
    // Back to the grader: nothing of the box's keeps a hold on its work directory.
    [[maybe_unused]] base::Status restored = HandOver(command.writable_dirs, 0, 0);
  }

  Outcome outcome;
  outcome.wall_time = std::chrono::duration_cast<milliseconds>(Clock::now() - start);
  outcome.stdout_data = std::move(supervision.stdout_data);
  outcome.stderr_data = std::move(supervision.stderr_data);
  outcome.result_data = std::move(supervision.result_data);
  outcome.stderr_truncated = supervision.stderr_truncated;
  if (!supervision.error.empty() || !supervision.reaped) {
    outcome.status = Status::kSandboxError;
    outcome.error = supervision.error;
    return outcome;
  }

  RunFacts facts;
  int wait_status = supervision.wait_status;
  // The init reports how the program itself ended; without a report (we killed the init
  // first), the init's own status stands.
  if (status_pipe->read_end.valid() && SetNonBlocking(status_pipe->read_end.get()).ok()) {
    int program_status = 0;
    if (read(status_pipe->read_end.get(), &program_status, sizeof program_status) ==
        static_cast<ssize_t>(sizeof program_status)) {
      wait_status = program_status;
    }
  }
  facts.exited = WIFEXITED(wait_status);
  facts.exit_code = facts.exited ? WEXITSTATUS(wait_status) : -1;
  facts.signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
  facts.kill_reason = supervision.kill_reason;
  // wait4 covers the child and the descendants it reaped; the /proc samples also saw the
  // descendants that were still alive. Each undercounts somewhere: take the larger.
  facts.cpu_time = std::max(CpuTime(supervision.usage), supervision.sampled_cpu_time);
  const int64_t max_rss_bytes = static_cast<int64_t>(supervision.usage.ru_maxrss) * 1024;
  facts.peak_memory_bytes =
      max_rss_bytes > inherited_rss_bound ? max_rss_bytes : supervision.sampled_peak_memory_bytes;
  if (box.memory_cgroup) facts.peak_memory_bytes = cgroup_peak_bytes;
  facts.oom_killed = oom_killed;

  outcome.status = Classify(facts, limits);
  outcome.exit_code = facts.exit_code;
  outcome.signal = facts.signal;
  outcome.cpu_time = facts.cpu_time;
  outcome.peak_memory_bytes = facts.peak_memory_bytes;
  outcome.forbidden_syscall = supervision.forbidden_syscall;
  if (outcome.status == Status::kForbiddenSyscall && outcome.forbidden_syscall.empty()) {
    outcome.forbidden_syscall = "a syscall of a foreign ABI or an unnamed call";
  }
  outcome.error = notes;
  return outcome;
}

}  // namespace sandbox
