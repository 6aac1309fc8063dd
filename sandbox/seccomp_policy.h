// Seccomp: the system-call filters of the two policies.
//
// The filters are built with libseccomp in the parent, once per process and policy, and exported
// to classic BPF; the forked child only installs the finished program with seccomp(2), which is
// async-signal-safe (libseccomp allocates, so it must never run after fork).
//
//   kExecute  default-deny allowlist (memory, its own fds, time, signals to itself, exit). A
//             forbidden call is reported to the supervisor through a user-notification listener
//             (SECCOMP_RET_USER_NOTIF), which names the syscall and kills the box; the call never
//             runs. One execveat is allowed: on the launcher's fd of the binary, with a pointer
//             that exists only in the grader's address space (see launcher.cc).
//   kCompile  default-allow denylist for the toolchain (no sockets, no ptrace, no namespaces or
//             mounts, no kernel keyrings, bpf, io_uring, ...): they fail with EPERM/EACCES.
// Both: a syscall of a foreign ABI (i386 int 0x80, x32) kills the process (SIGSYS).
// Thread-safe.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "sandbox/sandbox.h"

namespace sandbox {

// Fixed fds in the program at the moment it installs the filter (launcher.cc sets them up).
inline constexpr int kProgramFd = 5;        // the executable, O_CLOEXEC, for the one execveat
inline constexpr int kNotifySocketFd = 7;   // carries the notification listener to the parent
inline constexpr int kProgramPidInBox = 2;  // the program's pid under the box's init

struct SeccompFilter {
  std::vector<sock_filter> instructions;
  sock_fprog program{};  // points into `instructions`
  bool notify = false;   // install with SECCOMP_FILTER_FLAG_NEW_LISTENER
};

// The filter for `policy`, built on first use. The pointer stays valid for the process's life.
base::StatusOr<const SeccompFilter*> FilterFor(Policy policy);

// The one pathname pointer the execute filter accepts for execveat ("" with AT_EMPTY_PATH).
const char* ExecPathnameToken();

// Child side, async-signal-safe: installs `filter`. Returns the listener fd (notify filters),
// 0 (others), or -errno.
int InstallFilter(const SeccompFilter& filter);

// "openat", or "syscall 1234" when libseccomp does not know it. `arch` is an AUDIT_ARCH_* value.
std::string SyscallName(uint32_t arch, int number);

}  // namespace sandbox
