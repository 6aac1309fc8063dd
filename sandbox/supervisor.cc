// Theory of operation
//
// The grader thread that called Run() is the only supervisor of its child. It never blocks on a
// single fd: one poll() covers the stdin write end, the stdout/stderr/result read ends and a
// pidfd of the child (when the kernel has pidfd_open; otherwise a short poll timeout and
// waitid(WNOHANG | WNOWAIT)). poll() wakes at least every kSampleInterval to sample the group's
// CPU time from /proc and at the wall-clock deadline.
//
// The loop ends when the main child exits (seen without reaping it) or a limit is hit. Then, in
// this order: SIGKILL to the whole process group while the child is still an unreaped zombie (so
// its pid, which is the pgid, cannot have been reused), a bounded drain of what is already in the
// pipes, and wait4() for the exit status and rusage. The drain never waits for EOF: a descendant
// that escaped the group may hold a pipe open forever, and Run() must still return.
#include "sandbox/supervisor.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "sandbox/errno_text.h"
#include "sandbox/procfs.h"
#include "sandbox/seccomp_policy.h"

namespace sandbox {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kSampleInterval{100};
constexpr milliseconds kExitCheckInterval{10};  // without a pidfd only
constexpr size_t kReadChunkBytes = 64 << 10;
constexpr int kReadsPerWakeup = 4;      // fairness between streams
constexpr int kReadsInFinalDrain = 16;  // 1 MiB per stream, the largest pipe buffer by default
constexpr size_t kWriteChunkBytes = 64 << 10;

// One captured output stream and what happens beyond its cap.
struct Capture {
  UniqueFd* fd;
  std::string* sink;
  int64_t cap_bytes;
  bool kill_on_overflow;  // stdout, result channel: OUTPUT. stderr: truncate and keep draining.
  bool* truncated;        // stderr only
  bool overflowed = false;
};

// Appends what `fd` has, at most `max_reads` reads. Closes the fd at EOF or on error.
void ReadAvailable(Capture& capture, int max_reads) {
  char buffer[kReadChunkBytes];
  for (int i = 0; i < max_reads && capture.fd->valid(); ++i) {
    const ssize_t got = read(capture.fd->get(), buffer, sizeof buffer);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && errno == EAGAIN) return;
    if (got <= 0) {
      capture.fd->Reset();
      return;
    }
    const auto room = static_cast<size_t>(capture.cap_bytes) - capture.sink->size();
    const auto bytes = static_cast<size_t>(got);
    capture.sink->append(buffer, std::min(room, bytes));
    if (bytes > room) {
      capture.overflowed = true;
      if (capture.truncated != nullptr) *capture.truncated = true;
      if (capture.kill_on_overflow) return;
    }
  }
}

// Writes the next part of stdin. Closes the fd when all is written or the reader is gone.
void WriteSome(UniqueFd& fd, std::string_view data, size_t* offset) {
  while (fd.valid() && *offset < data.size()) {
    const size_t chunk = std::min(kWriteChunkBytes, data.size() - *offset);
    const ssize_t written = write(fd.get(), data.data() + *offset, chunk);
    if (written < 0 && errno == EINTR) continue;
    if (written < 0 && errno == EAGAIN) return;
    if (written < 0) break;  // EPIPE: the child closed its stdin; SIGPIPE is blocked
    *offset += static_cast<size_t>(written);
  }
  fd.Reset();
}

UniqueFd OpenPidfd(pid_t pid) {
#ifdef SYS_pidfd_open
  return UniqueFd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0)));
#else
  (void)pid;
  return UniqueFd();
#endif
}

bool HasExited(pid_t pid) {
  siginfo_t info{};
  return waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
         info.si_pid == pid;
}

// Receives one notification of a forbidden call and names it. The caller kills the box: the
// call stays pending (it never runs) until the process dies.
std::string ReceiveForbiddenCall(int listener) {
  seccomp_notif notification;
  std::memset(&notification, 0, sizeof notification);
  if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &notification) != 0) return "";
  return SyscallName(notification.data.arch, notification.data.nr);
}

int PollTimeoutMs(Clock::time_point now, Clock::time_point wake_up) {
  const auto wait = std::chrono::ceil<milliseconds>(wake_up - now);
  return static_cast<int>(std::max<int64_t>(wait.count(), 0));
}

}  // namespace

bool KillAndReap(pid_t pid, int* wait_status, rusage* usage) {
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  for (;;) {
    const pid_t reaped = wait4(pid, wait_status, 0, usage);
    if (reaped == pid) return true;
    if (reaped < 0 && errno == EINTR) continue;
    return false;
  }
}

Supervision Supervise(pid_t pid, ParentStreams streams, std::string_view stdin_data,
                      const Limits& limits, Clock::time_point deadline) {
  Supervision result;
  std::array<Capture, 3> captures = {{
      {&streams.stdout_fd, &result.stdout_data, limits.stdout_bytes, true, nullptr},
      {&streams.stderr_fd, &result.stderr_data, limits.stderr_bytes, false,
       &result.stderr_truncated},
      {&streams.result_fd, &result.result_data, limits.result_bytes, true, nullptr},
  }};
  for (UniqueFd* fd :
       {&streams.stdin_fd, &streams.stdout_fd, &streams.stderr_fd, &streams.result_fd}) {
    if (!fd->valid()) continue;
    if (base::Status status = SetNonBlocking(fd->get()); !status.ok()) {
      result.error = "sandbox supervise: " + status.message();
      fd->Reset();  // a blocking fd could hang the final drain
    }
  }
  if (stdin_data.empty()) streams.stdin_fd.Reset();
  size_t stdin_offset = 0;
  const UniqueFd pidfd = OpenPidfd(pid);
  auto set_reason = [&result](KillReason reason) {
    if (result.kill_reason == KillReason::kNone) result.kill_reason = reason;
  };

  Clock::time_point next_sample = Clock::now() + kSampleInterval;
  while (result.error.empty() && result.kill_reason == KillReason::kNone) {
    const Clock::time_point now = Clock::now();
    if (now >= deadline) {
      set_reason(KillReason::kWallTime);
      break;
    }
    if (now >= next_sample) {
      result.sampled_cpu_time = std::max(result.sampled_cpu_time, ProcessGroupCpuTime(pid));
      result.sampled_peak_memory_bytes =
          std::max(result.sampled_peak_memory_bytes, PeakResidentBytes(pid));
      if (result.sampled_cpu_time >= limits.cpu_time) {
        set_reason(KillReason::kCpuTime);
        break;
      }
      next_sample = now + kSampleInterval;
    }

    // Slots: 0 pidfd, 1 stdin, 2..4 captures, 5 seccomp listener. poll() ignores fd -1.
    std::array<pollfd, 6> polled{};
    polled[0] = {pidfd.get(), POLLIN, 0};
    polled[1] = {streams.stdin_fd.get(), POLLOUT, 0};
    for (size_t i = 0; i < captures.size(); ++i) {
      polled[2 + i] = {captures[i].fd->get(), POLLIN, 0};
    }
    polled[5] = {streams.seccomp_listener.get(), POLLIN, 0};
    Clock::time_point wake_up = std::min(deadline, next_sample);
    if (!pidfd.valid()) wake_up = std::min(wake_up, now + kExitCheckInterval);
    const int ready = poll(polled.data(), polled.size(), PollTimeoutMs(now, wake_up));
    if (ready < 0 && errno != EINTR) {
      result.error = "sandbox supervise: poll failed: " + ErrnoText(errno);
      break;
    }
    if (ready <= 0 && pidfd.valid()) continue;

    if ((polled[5].revents & POLLIN) != 0) {
      result.forbidden_syscall = ReceiveForbiddenCall(streams.seccomp_listener.get());
      if (!result.forbidden_syscall.empty()) {
        set_reason(KillReason::kForbiddenSyscall);
        break;
      }
    } else if (polled[5].revents != 0) {
      streams.seccomp_listener.Reset();  // POLLHUP: no process uses the filter any more
    }

    if (polled[1].revents != 0) WriteSome(streams.stdin_fd, stdin_data, &stdin_offset);
    for (size_t i = 0; i < captures.size(); ++i) {
      if (polled[2 + i].revents == 0) continue;
      ReadAvailable(captures[i], kReadsPerWakeup);
      if (captures[i].overflowed && captures[i].kill_on_overflow) set_reason(KillReason::kOutput);
    }
    const bool exited = pidfd.valid() ? polled[0].revents != 0 : HasExited(pid);
    if (exited) break;
  }

  // Whatever ended the loop, the whole group goes, before the main child is reaped.
  kill(-pid, SIGKILL);
  streams.stdin_fd.Reset();
  for (Capture& capture : captures) {
    if (capture.overflowed && capture.kill_on_overflow) continue;
    ReadAvailable(capture, kReadsInFinalDrain);
    if (capture.overflowed && capture.kill_on_overflow) set_reason(KillReason::kOutput);
  }
  result.reaped = KillAndReap(pid, &result.wait_status, &result.usage);
  if (!result.reaped && result.error.empty()) {
    result.error = "sandbox supervise: wait4 failed: " + ErrnoText(errno) +
                   " (is SIGCHLD ignored, or does something else reap children?)";
  }
  return result;
}

}  // namespace sandbox
