// Theory of operation
//
// The grader (root) clones one child per Run(), into new namespaces (namespaces.h). That child
// is the box's init: pid 1 of the box's pid namespace, still root. It runs the box-wide steps of
// the policy's checklist (policy.h: network, fds, filesystem view), then forks the program's
// process (pid 2) and does nothing but reap until the program is gone; then it exits and the
// kernel kills everything else in the box. The program's process runs the remaining steps
// (cgroups, rlimits, the box uid, seccomp last) and execs the command directly: no shell, no
// PATH.
// For kExecute the binary was opened by the parent (O_NOFOLLOW, a regular file) and is exec'd
// from that fd with execveat, the one exec the seccomp filter allows.
// Every step calls only async-signal-safe functions, and raw syscalls where a glibc wrapper
// would consult glibc's view of the grader's threads (a raw clone leaves it stale): everything
// that allocates (argv/envp arrays, rlimits, the mount list, the BPF program) was prepared in
// the parent by PrepareLaunch().
// The kExecute init does not copy the grader: it is cloned with CLONE_VM onto a stack of its
// own and shares the grader's memory, and with it the TLS of the thread that called Run()
// (the program shares it too until its exec). So the child never allocates, never writes
// errno on a success path (close_range, not close, on fds that may be shut), calls the
// cancellation points write/sendmsg/wait4 as raw syscalls (glibc's wrappers flip the calling
// thread's cancellation state), and relies on BIND_NOW (sandbox/CMakeLists.txt) to never enter
// the lazy binder. It stays outside the box's cgroups: the program joins them, so the memory
// cgroup's OOM killer can only pick the program (before its exec a vfork child, which the OOM
// killer skips), never a process that shares the grader's memory.
//
// Pipes between the grader and the child (all created O_CLOEXEC, so children forked at the same
// time by other threads never keep them across their exec):
//   stdin   grader -> child fd 0
//   stdout  child fd 1 -> grader
//   stderr  child fd 2 -> grader
//   result  child fd 3 -> grader   (only with Command::result_channel; otherwise fd 3 is closed)
//   error   child fd 4 -> grader   (CLOEXEC: closed by a successful execve)
//   program child fd 5             (kExecute: the binary, CLOEXEC)
//   status  init fd 6 -> grader    (the program's wait status, written by the init)
//   notify  child fd 7 -> grader   (a unix socket: the seccomp listener fd, SCM_RIGHTS)
//   cgroups child fds 8, 9         (the box's memory and pids `tasks` files, CLOEXEC: the
//                                   program writes "0" to join)
// If a step or execve fails, the child writes one SetupFailure record (step, detail, errno) to
// the error pipe and _exit(127)s. The parent reads the error pipe: a record means "the sandbox
// failed" (kSandboxError), EOF means the command is running.
#include "sandbox/launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>

#include "sandbox/credentials.h"
#include "sandbox/errno_text.h"
#include "sandbox/namespaces.h"

namespace sandbox {
namespace {

// The child's fd layout after kRedirectFds.
constexpr int kStdinFd = 0;
constexpr int kStdoutFd = 1;
constexpr int kStderrFd = 2;
constexpr int kResultFd = 3;
constexpr int kErrorFd = 4;
constexpr int kStatusFd = 6;
constexpr int kFirstCgroupFd = 8;  // the cgroup `tasks` files the program joins, 8 and 9
constexpr size_t kMaxCgroupFds = 2;
constexpr int kFirstUnusedFd = kFirstCgroupFd + static_cast<int>(kMaxCgroupFds);
static_assert(kProgramFd == 5 && kNotifySocketFd == 7);

constexpr int kMaxFdToClose = 1 << 20;

// Sent on the error pipe; small enough for one atomic write.
struct SetupFailure {
  int32_t step;          // a ChildStep, or kExecStep
  int32_t detail;        // kRlimits: index into RlimitPlan::settings
  int32_t error_number;  // errno
};
constexpr int32_t kExecStep = -1;

[[noreturn]] void FailSetup(int error_fd, int32_t step, int32_t detail, int error_number) {
  const SetupFailure record{step, detail, error_number};
  // Nothing else can be done if this write fails: the parent then sees EOF and exit code 127.
  [[maybe_unused]] long written = syscall(SYS_write, error_fd, &record, sizeof record);
  _exit(127);
}

// --- Child side: async-signal-safe only. Each step returns 0 or an errno. ---

// Raw rt_sigaction with the kernel's structure, all zero (SIG_DFL, no flags, empty mask): the
// glibc wrapper refuses its reserved signals and sets errno, and an init that shares the
// grader's memory shares the errno of the grader's thread (see Launch): success paths must not
// write it.
int ResetSignals() {
  struct KernelSigaction {
    void* handler;
    unsigned long flags;
    void* restorer;
    uint64_t mask;
  };
  const KernelSigaction default_action{};
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    if (signal_number == SIGKILL || signal_number == SIGSTOP) continue;
    if (syscall(SYS_rt_sigaction, signal_number, &default_action, nullptr, sizeof(uint64_t)) != 0) {
      return errno;
    }
  }
  sigset_t empty;
  sigemptyset(&empty);
  return sigprocmask(SIG_SETMASK, &empty, nullptr) == 0 ? 0 : errno;
}

int DieWithParent(pid_t parent_pid) {
  if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return errno;
  // The parent may have died before prctl took effect.
  return getppid() == parent_pid ? 0 : ESRCH;
}

// Moves the pipes onto fds 0..3, the error pipe onto fd 4, the launcher's fds onto 5..7 and the
// cgroup files onto 8 and 9. Every source is first copied above the target range, so that no
// dup2 can overwrite a source that is still needed. Unused targets are closed with
// close_range, which does not fail (nor set errno) on an fd that is not open.
int RedirectFds(const ChildFds& fds, const LaunchPlan& plan, int* error_fd) {
  int sources[] = {fds.stdin_fd,
                   fds.stdout_fd,
                   fds.stderr_fd,
                   fds.result_fd,
                   *error_fd,
                   fds.program_fd,
                   fds.status_fd,
                   fds.notify_fd,
                   -1,
                   -1};
  for (size_t i = 0; i < plan.cgroup_fds.size() && i < kMaxCgroupFds; ++i) {
    sources[8 + i] = plan.cgroup_fds[i];
  }
  for (int& source : sources) {
    if (source < 0) continue;
    const int moved = fcntl(source, F_DUPFD_CLOEXEC, kFirstUnusedFd);
    if (moved < 0) return errno;
    source = moved;
  }
  *error_fd = sources[4];
  if (dup2(sources[0], kStdinFd) < 0 || dup2(sources[1], kStdoutFd) < 0 ||
      dup2(sources[2], kStderrFd) < 0) {
    return errno;
  }
  if (sources[3] >= 0) {
    if (dup2(sources[3], kResultFd) < 0) return errno;
  } else {
    close_range(kResultFd, kResultFd, 0);
  }
  if (dup3(sources[4], kErrorFd, O_CLOEXEC) < 0) return errno;
  *error_fd = kErrorFd;
  // The launcher's own fds: close-on-exec, so the program never holds them.
  const int targets[] = {kProgramFd, kStatusFd, kNotifySocketFd, kFirstCgroupFd,
                         kFirstCgroupFd + 1};
  for (int i = 0; i < 5; ++i) {
    if (sources[5 + i] < 0) {
      close_range(static_cast<unsigned>(targets[i]), static_cast<unsigned>(targets[i]), 0);
    } else if (dup3(sources[5 + i], targets[i], O_CLOEXEC) < 0) {
      return errno;
    }
  }
  return 0;
}

// In the program's process, not the init: only the program's memory counts against the box,
// and the init (a process that shares the grader's memory) must never be the memory cgroup's
// OOM victim. Before exec the program shares the init's memory as a vfork child, which the
// OOM killer skips.
int JoinCgroups(const LaunchPlan& plan) {
  for (size_t i = 0; i < plan.cgroup_fds.size() && i < kMaxCgroupFds; ++i) {
    // "0": the writing thread itself, the program's only one.
    if (syscall(SYS_write, kFirstCgroupFd + static_cast<int>(i), "0", 1) != 1) return errno;
  }
  return 0;
}

// Without a pid namespace there is no init: the cloned child is the program and needs no status
// pipe. (With one, RunChild turns this step into BecomeInit.)
int SpawnInit() {
  close_range(kStatusFd, kStatusFd, 0);
  return 0;
}

// Installs the filter; a notify filter's listener goes to the parent over kNotifySocketFd.
int InstallSeccomp(const LaunchPlan& plan) {
  if (plan.seccomp == nullptr) return 0;
  const int listener = InstallFilter(*plan.seccomp);
  if (listener < 0) return -listener;
  if (!plan.seccomp->notify) return 0;
  char control[CMSG_SPACE(sizeof(int))];
  std::memset(control, 0, sizeof control);
  char byte = 'L';
  iovec data{&byte, 1};
  msghdr message{};
  message.msg_iov = &data;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  cmsghdr* header = CMSG_FIRSTHDR(&message);
  header->cmsg_level = SOL_SOCKET;
  header->cmsg_type = SCM_RIGHTS;
  header->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(header), &listener, sizeof(int));
  const long sent = syscall(SYS_sendmsg, kNotifySocketFd, &message, 0);
  const int send_error = errno;
  syscall(SYS_close, listener);  // after seccomp: close is allowed, close_range is not
  return sent == 1 ? 0 : send_error;
}

int CloseOtherFds(int max_fd) {
  if (close_range(kFirstUnusedFd, ~0U, 0) == 0) return 0;
  if (errno != ENOSYS) return errno;
  for (int fd = kFirstUnusedFd; fd < max_fd; ++fd) close(fd);
  return 0;
}

int RunStep(ChildStep step, const LaunchPlan& plan, const ChildFds& fds, int* error_fd,
            int32_t* detail) {
  switch (step) {
    case ChildStep::kResetSignals:
      return ResetSignals();
    case ChildStep::kNewSession:
      return setsid() < 0 ? errno : 0;
    case ChildStep::kDieWithParent:
      // In a pid namespace our parent is outside it: getppid() says 0, not plan.parent_pid.
      if ((plan.clone_flags & CLONE_NEWPID) != 0) {
        return prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 ? errno : 0;
      }
      return DieWithParent(plan.parent_pid);
    case ChildStep::kJoinCgroups:
      return JoinCgroups(plan);
    case ChildStep::kJoinNetwork:
      return plan.net_fd < 0 || setns(plan.net_fd, CLONE_NEWNET) == 0 ? 0 : errno;
    case ChildStep::kSetHostname:
      if ((plan.clone_flags & CLONE_NEWUTS) == 0) return 0;
      return sethostname("sandbox", 7) == 0 ? 0 : errno;
    case ChildStep::kRedirectFds:
      return RedirectFds(fds, plan, error_fd);
    case ChildStep::kCloseOtherFds:
      return CloseOtherFds(plan.max_fd);
    case ChildStep::kMountView: {
      if (!plan.view.has_value()) return 0;
      size_t failed_index = 0;
      const int error_number = EnterView(*plan.view, &failed_index);
      *detail = static_cast<int32_t>(failed_index);
      return error_number;
    }
    case ChildStep::kEmptyRoot:
      return plan.empty_root.empty() ? 0 : EnterEmptyRoot(plan.empty_root.c_str());
    case ChildStep::kChdir:
      return chdir(plan.working_dir) != 0 ? errno : 0;
    case ChildStep::kSpawnInit:
      return SpawnInit();
    case ChildStep::kNoNewPrivs:
      return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ? errno : 0;
    case ChildStep::kRlimits: {
      size_t failed_index = 0;
      const int error_number = ApplyRlimits(plan.rlimits, &failed_index);
      *detail = static_cast<int32_t>(failed_index);
      return error_number;
    }
    case ChildStep::kDropPrivileges:
      return plan.drop_privileges ? DropPrivileges(plan.uid, plan.gid) : 0;
    case ChildStep::kSeccomp:
      return InstallSeccomp(plan);
  }
  return EINVAL;
}

[[noreturn]] void RunChild(const LaunchPlan& plan, const ChildFds& fds, int error_fd,
                           size_t first_step);

// The program's process, spawned by the box init with clone(CLONE_VM | CLONE_VFORK): it borrows
// the init's memory until it execs (no page tables to copy: the init is a copy of the whole
// grader), and the init sleeps until then. It only makes syscalls, on its own stack.
struct ProgramStart {
  const LaunchPlan* plan;
  const ChildFds* fds;
  int error_fd;
  size_t first_step;
};

int ProgramMain(void* argument) {
  const auto* start = static_cast<const ProgramStart*>(argument);
  RunChild(*start->plan, *start->fds, start->error_fd, start->first_step);
}

[[noreturn]] void BecomeInit(const LaunchPlan& plan, const ChildFds& fds, int error_fd,
                             size_t next_step) {
  ProgramStart start{&plan, &fds, error_fd, next_step};
  long pid = -1;
  if (plan.in_process != nullptr) {
    // The program runs the caller's code, not an exec: it needs memory of its own, and glibc's
    // fork (not a raw clone) so that glibc's view of its thread is its own.
    pid = fork();
    if (pid == 0) ProgramMain(&start);
  } else {
    char* stack_top = plan.spawn_stack.get() + LaunchPlan::kSpawnStackBytes;
    pid = clone(ProgramMain, stack_top, CLONE_VM | CLONE_VFORK | SIGCHLD, &start);
  }
  if (pid < 0) FailSetup(error_fd, static_cast<int32_t>(ChildStep::kSpawnInit), 0, errno);
  // The init keeps only the status pipe: the program's EOFs must not wait for it.
  close_range(0, kStatusFd - 1, 0);
  close_range(kStatusFd + 1, ~0U, 0);
  RunBoxInit(static_cast<pid_t>(pid), kStatusFd);
}

// Command::in_process, after every step: the setup is done, so the launcher's own fds close
// as a successful exec would close them (all are close-on-exec): the error pipe (closing it says
// "running"), and the status pipe and cgroup files, which the code must never write. The
// environment becomes the command's.
[[noreturn]] void RunInProcess(const LaunchPlan& plan, int error_fd) {
  syscall(SYS_close, error_fd);
  for (int fd = kErrorFd; fd < kFirstUnusedFd; ++fd) syscall(SYS_close, fd);
  environ = const_cast<char**>(plan.envp.data());
  const int code = plan.in_process(*plan.command);
  std::fflush(nullptr);
  _exit(code);
}

[[noreturn]] void RunChild(const LaunchPlan& plan, const ChildFds& fds, int error_fd,
                           size_t first_step) {
  for (size_t i = first_step; i < plan.steps.size(); ++i) {
    const ChildStep step = plan.steps[i];
    if (step == ChildStep::kSpawnInit && (plan.clone_flags & CLONE_NEWPID) != 0) {
      BecomeInit(plan, fds, error_fd, i + 1);
    }
    int32_t detail = 0;
    const int error_number = RunStep(step, plan, fds, &error_fd, &detail);
    if (error_number != 0) {
      FailSetup(error_fd, static_cast<int32_t>(step), detail, error_number);
    }
  }
  if (plan.in_process != nullptr) RunInProcess(plan, error_fd);
  if (plan.exec_from_fd) {
    syscall(SYS_execveat, kProgramFd, ExecPathnameToken(), plan.argv.data(), plan.envp.data(),
            AT_EMPTY_PATH);
  } else {
    execve(plan.argv[0], plan.argv.data(), plan.envp.data());
  }
  FailSetup(error_fd, kExecStep, 0, errno);
}

// The box init when it shares the grader's memory (LaunchPlan::init_shares_memory).
int InitMain(void* argument) {
  const auto* start = static_cast<const InitStart*>(argument);
  RunChild(*start->plan, start->fds, start->error_fd, 0);
}

// --- Parent side. ---

std::string DescribeFailure(const SetupFailure& failure, const LaunchPlan& plan) {
  std::string what;
  if (failure.step == kExecStep) {
    what = std::string("execve(\"") + plan.argv[0] + "\")";
  } else {
    const auto step = static_cast<ChildStep>(failure.step);
    what = ChildStepName(step);
    if (step == ChildStep::kChdir) {
      what += std::string("(\"") + plan.working_dir + "\")";
    } else if (step == ChildStep::kMountView && plan.view.has_value()) {
      const auto index = static_cast<size_t>(failure.detail);
      what += index < plan.view->ops.size() ? "(" + plan.view->ops[index].target + ")"
                                            : std::string("(pivot_root)");
    } else if (step == ChildStep::kRlimits && failure.detail >= 0 &&
               static_cast<size_t>(failure.detail) < plan.rlimits.count) {
      what += std::string("(") + plan.rlimits.settings[failure.detail].name + ")";
    }
  }
  return "sandbox setup: " + what + " failed: " + ErrnoText(failure.error_number);
}

bool ContainsNul(const std::string& text) { return text.find('\0') != std::string::npos; }

}  // namespace

base::StatusOr<LaunchPlan> PrepareLaunch(const Command& command, const Limits& limits,
                                         Policy policy, const BoxSetup& box) {
  if (command.argv.empty()) return base::Status::InvalidArgument("command.argv is empty");
  if (command.argv[0].empty() || command.argv[0][0] != '/') {
    return base::Status::InvalidArgument(
        "command.argv[0] must be an absolute path (no PATH search), got '" + command.argv[0] + "'");
  }
  if (command.working_dir.empty() || command.working_dir[0] != '/') {
    return base::Status::InvalidArgument("command.working_dir must be an absolute path, got '" +
                                         command.working_dir + "'");
  }
  if (ContainsNul(command.working_dir)) {
    return base::Status::InvalidArgument("command.working_dir contains a NUL byte");
  }
  LaunchPlan plan;
  for (size_t i = 0; i < command.argv.size(); ++i) {
    if (ContainsNul(command.argv[i])) {
      return base::Status::InvalidArgument("command.argv[" + std::to_string(i) +
                                           "] contains a NUL byte");
    }
    plan.argv.push_back(const_cast<char*>(command.argv[i].c_str()));
  }
  plan.argv.push_back(nullptr);
  for (size_t i = 0; i < command.env.size(); ++i) {
    const std::string& entry = command.env[i];
    if (ContainsNul(entry) || entry.find('=') == std::string::npos || entry[0] == '=') {
      return base::Status::InvalidArgument("command.env[" + std::to_string(i) +
                                           "] must be NAME=value, got '" + entry + "'");
    }
    plan.envp.push_back(const_cast<char*>(entry.c_str()));
  }
  plan.envp.push_back(nullptr);
  plan.working_dir = command.working_dir.c_str();
  plan.rlimits = PrepareRlimits(limits, /*address_space=*/!box.memory_cgroup);
  plan.steps = ChildSteps(policy);
  plan.clone_flags = box.clone_flags;
  plan.net_fd = box.net_fd;
  plan.cgroup_fds = box.cgroup_fds;
  plan.drop_privileges = box.drop_privileges;
  plan.uid = box.uid;
  plan.gid = box.gid;
  if (policy == Policy::kCompile && (box.clone_flags & CLONE_NEWNS) != 0 &&
      !box.state_dir.empty()) {
    base::StatusOr<FsView> view = CompileView(command, box.state_dir + "/empty");
    if (!view.ok()) return view.status();
    plan.view = std::move(*view);
  }
  if (command.in_process != nullptr) {
    if (policy != Policy::kCompile) {
      return base::Status::InvalidArgument("command.in_process is for kCompile boxes only");
    }
    plan.in_process = command.in_process;
    plan.command = &command;
  }
  if (policy == Policy::kExecute) {
    plan.exec_from_fd = true;
    if (!box.state_dir.empty()) plan.empty_root = box.state_dir + "/empty";
  }
  base::StatusOr<const SeccompFilter*> filter = FilterFor(policy);
  if (!filter.ok()) return filter.status().WithContext("sandbox setup");
  plan.seccomp = *filter;
  plan.parent_pid = getpid();
  plan.spawn_stack = std::make_unique_for_overwrite<char[]>(LaunchPlan::kSpawnStackBytes);
  if (policy == Policy::kExecute && (plan.clone_flags & CLONE_NEWPID) != 0) {
    plan.init_shares_memory = true;
    plan.init_stack = std::make_unique_for_overwrite<char[]>(LaunchPlan::kSpawnStackBytes);
  }
  const long open_max = sysconf(_SC_OPEN_MAX);
  plan.max_fd =
      open_max > 0 ? static_cast<int>(std::min<long>(open_max, kMaxFdToClose)) : kMaxFdToClose;
  return plan;
}

base::StatusOr<Launched> Launch(const LaunchPlan& plan, const ChildFds& fds) {
  base::StatusOr<Pipe> error_pipe = MakePipe();
  if (!error_pipe.ok()) return error_pipe.status().WithContext("sandbox setup: error pipe");
  long cloned = -1;
  if (plan.init_shares_memory) {
    // The init runs beside this thread in the same memory, on its own stack, with its own fd
    // table, signal handlers and root, and allocates nothing. It shares this thread's TLS
    // (errno): its steps write errno only when they fail, and then the run is a sandbox error.
    plan.init_start = InitStart{&plan, fds, error_pipe->write_end.get()};
    char* stack_top = plan.init_stack.get() + LaunchPlan::kSpawnStackBytes;
    cloned = clone(InitMain, stack_top, plan.clone_flags | CLONE_VM | SIGCHLD, &plan.init_start);
  } else {
    // A raw clone: glibc's fork() would not take namespace flags. The child only makes raw or
    // async-signal-safe calls until it execs.
    cloned = syscall(SYS_clone, plan.clone_flags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
    if (cloned == 0) RunChild(plan, fds, error_pipe->write_end.get(), 0);
  }
  if (cloned < 0) return base::Status::Internal("sandbox setup: clone failed: " + ErrnoText(errno));
  const auto pid = static_cast<pid_t>(cloned);
  error_pipe->write_end.Reset();
  return Launched{pid, std::move(error_pipe->read_end)};
}

base::Status AwaitExec(const LaunchPlan& plan, Launched& launched,
                       std::chrono::steady_clock::time_point deadline) {
  using std::chrono::steady_clock;
  for (;;) {
    const auto remaining = deadline - steady_clock::now();
    if (remaining <= steady_clock::duration::zero()) {
      return base::Status::Internal(
          "sandbox setup: the child did not reach execve within the wall-time limit");
    }
    pollfd ready{launched.error_pipe.get(), POLLIN, 0};
    const auto timeout = std::chrono::ceil<std::chrono::milliseconds>(remaining);
    const int polled = poll(&ready, 1, static_cast<int>(timeout.count()));
    if (polled < 0 && errno == EINTR) continue;
    if (polled < 0) return base::Status::Internal("sandbox setup: poll: " + ErrnoText(errno));
    if (polled == 0) continue;
    SetupFailure failure{};
    const ssize_t got = read(launched.error_pipe.get(), &failure, sizeof failure);
    if (got < 0 && errno == EINTR) continue;
    if (got == 0) return base::Status::Ok();  // CLOEXEC closed it: execve succeeded
    if (got != static_cast<ssize_t>(sizeof failure)) {
      return base::Status::Internal("sandbox setup: unreadable report on the error pipe");
    }
    return base::Status::Internal(DescribeFailure(failure, plan));
  }
}

}  // namespace sandbox
