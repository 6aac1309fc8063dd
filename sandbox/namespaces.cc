#include "sandbox/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mutex>
#include <thread>

#include "sandbox/errno_text.h"

namespace sandbox {
namespace {

constexpr int kCompileFlags = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS;
constexpr int kExecuteFlags = CLONE_NEWPID;

struct Availability {
  bool namespaces = false;
  int net_fd = -1;
  std::string note;
};

// A thread of our own unshares its network namespace and opens it; the fd keeps the namespace
// alive after the thread is gone. Only that thread ever lives in it.
int MakeEmptyNetNamespace(std::string* why) {
  int fd = -1;
  std::thread maker([&] {
    if (unshare(CLONE_NEWNET) != 0) {
      *why = "unshare(CLONE_NEWNET): " + ErrnoText(errno);
      return;
    }
    fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (fd < 0) *why = "open /proc/thread-self/ns/net: " + ErrnoText(errno);
  });
  maker.join();
  return fd;
}

// Can we clone with the compile flags (the larger set)? A child that exits at once says.
bool CanClone(std::string* why) {
  const long pid = syscall(SYS_clone, kCompileFlags | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid < 0) {
    *why = "clone(CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWIPC|CLONE_NEWUTS): " + ErrnoText(errno);
    return false;
  }
  if (pid == 0) _exit(0);
  int status = 0;
  while (waitpid(static_cast<pid_t>(pid), &status, 0) < 0 && errno == EINTR) {
  }
  return true;
}

const Availability& Probe() {
  static std::once_flag once;
  static Availability availability;
  std::call_once(once, [] {
    std::string why;
    availability.namespaces = CanClone(&why);
    if (!availability.namespaces) availability.note = "no namespaces (" + why + ")";
    why.clear();
    availability.net_fd = MakeEmptyNetNamespace(&why);
    if (availability.net_fd < 0) {
      if (!availability.note.empty()) availability.note += "; ";
      availability.note += "no network namespace (" + why + "); seccomp still denies sockets";
    }
  });
  return availability;
}

}  // namespace

NamespaceSetup NamespacesFor(Policy policy) {
  const Availability& availability = Probe();
  NamespaceSetup setup;
  if (availability.namespaces) {
    setup.clone_flags = policy == Policy::kCompile ? kCompileFlags : kExecuteFlags;
  }
  setup.net_fd = availability.net_fd;
  setup.note = availability.note;
  return setup;
}

void RunBoxInit(pid_t program, int status_fd) {
  for (;;) {
    int status = 0;
    const pid_t reaped = static_cast<pid_t>(syscall(SYS_wait4, -1, &status, __WALL, nullptr));
    if (reaped < 0 && errno == EINTR) continue;
    if (reaped < 0) _exit(0);  // ECHILD: nothing left, and the program's status is lost
    if (reaped == program) {
      // Raw: glibc's write() would flip the cancellation state of the grader thread whose
      // memory and TLS a kExecute init shares (launcher.cc).
      [[maybe_unused]] long written = syscall(SYS_write, status_fd, &status, sizeof status);
      _exit(0);
    }
  }
}

}  // namespace sandbox
