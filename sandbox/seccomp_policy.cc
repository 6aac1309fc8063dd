#include "sandbox/seccomp_policy.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <mutex>

#include "sandbox/errno_text.h"
#include "sandbox/pipes.h"

namespace sandbox {
namespace {

// A static empty string: its address (randomised with the grader's PIE image) is the only
// pathname execveat may be called with. The exec'd program has a fresh address space and no way
// to learn it; a wrong guess is a forbidden syscall.
const char kExecPathname[] = "";

// One rule: the action for a syscall, optionally only when up to three arguments compare equal.
struct ArgEquals {
  unsigned index;
  uint64_t value;
};
struct Rule {
  const char* syscall;
  uint32_t action;
  std::vector<ArgEquals> args;
};

constexpr uint32_t kAllow = SCMP_ACT_ALLOW;
uint32_t Errno(int error_number) { return SCMP_ACT_ERRNO(static_cast<uint16_t>(error_number)); }

// What a statically linked glibc + Eigen program needs, measured with strace on the harness.
std::vector<Rule> ExecuteRules() {
  std::vector<Rule> rules = {
      // Its pipes (0..3) and the error pipe; no call in this list creates an fd.
      {"read", kAllow, {}},
      {"write", kAllow, {}},
      {"readv", kAllow, {}},
      {"writev", kAllow, {}},
      {"close", kAllow, {}},
      {"lseek", kAllow, {}},
      {"fstat", kAllow, {}},
      // fstat() is newfstatat(fd, "", AT_EMPTY_PATH) in glibc >= 2.33. A path is resolved in the
      // box's empty root, so it reveals nothing.
      {"newfstatat", kAllow, {}},
      // Static glibc reads /proc/self/exe at start-up (for $ORIGIN); the empty root has no /proc,
      // so ENOENT is the true answer, given without resolving anything.
      {"readlink", Errno(ENOENT), {}},
      // isatty() on a pipe: answer "not a terminal" without touching any device.
      {"ioctl", Errno(ENOTTY), {}},
      // Memory.
      {"brk", kAllow, {}},
      {"mmap", kAllow, {}},
      {"munmap", kAllow, {}},
      {"mprotect", kAllow, {}},
      {"mremap", kAllow, {}},
      {"madvise", kAllow, {}},
      // Start-up and thread-local state of the single thread.
      {"arch_prctl", kAllow, {}},
      {"set_tid_address", kAllow, {}},
      {"set_robust_list", kAllow, {}},
      {"rseq", kAllow, {}},
      {"futex", kAllow, {}},
      {"getrandom", kAllow, {}},
      {"prlimit64", kAllow, {{0, 0}}},  // its own limits only (pid 0)
      {"gettid", kAllow, {}},
      {"getpid", kAllow, {}},
      {"sched_yield", kAllow, {}},
      {"sched_getaffinity", kAllow, {}},
      // Time.
      {"clock_gettime", kAllow, {}},
      {"clock_getres", kAllow, {}},
      {"gettimeofday", kAllow, {}},
      {"time", kAllow, {}},
      {"nanosleep", kAllow, {}},
      {"clock_nanosleep", kAllow, {}},
      // Signals, to itself only: abort() is tgkill(getpid(), gettid(), SIGABRT) = (2, 2) in the
      // box.
      {"rt_sigaction", kAllow, {}},
      {"rt_sigprocmask", kAllow, {}},
      {"rt_sigreturn", kAllow, {}},
      {"sigaltstack", kAllow, {}},
      {"restart_syscall", kAllow, {}},
      {"tgkill", kAllow, {{0, kProgramPidInBox}, {1, kProgramPidInBox}}},
      {"tkill", kAllow, {{0, kProgramPidInBox}}},
      {"kill", kAllow, {{0, kProgramPidInBox}}},
      // Exit.
      {"exit", kAllow, {}},
      {"exit_group", kAllow, {}},
      // std::thread tries clone3 first; ENOSYS makes glibc fall back to clone, which is then
      // reported by name.
      {"clone3", Errno(ENOSYS), {}},
      // The launcher's last two calls, both pinned so that the program cannot repeat them.
      {"sendmsg", kAllow, {{0, kNotifySocketFd}}},
      {"execveat",
       kAllow,
       {{0, kProgramFd}, {1, reinterpret_cast<uint64_t>(kExecPathname)}, {4, AT_EMPTY_PATH}}},
  };
  return rules;
}

// The toolchain may read files and run its own processes; it may not reach anything beyond.
std::vector<Rule> CompileRules() {
  std::vector<Rule> rules;
  for (const char* name : {"ptrace",
                           "process_vm_readv",
                           "process_vm_writev",
                           "mount",
                           "umount2",
                           "pivot_root",
                           "chroot",
                           "unshare",
                           "setns",
                           "keyctl",
                           "add_key",
                           "request_key",
                           "bpf",
                           "perf_event_open",
                           "io_uring_setup",
                           "io_uring_enter",
                           "io_uring_register",
                           "userfaultfd",
                           "kexec_load",
                           "kexec_file_load",
                           "init_module",
                           "finit_module",
                           "delete_module",
                           "reboot",
                           "swapon",
                           "swapoff",
                           "open_by_handle_at",
                           "name_to_handle_at",
                           "fanotify_init",
                           "acct",
                           "quotactl",
                           "personality",
                           "mknod",
                           "mknodat",
                           "socketpair",
                           "fsopen",
                           "fsmount",
                           "move_mount",
                           "open_tree"}) {
    rules.push_back({name, Errno(EPERM), {}});
  }
  rules.push_back({"socket", Errno(EACCES), {}});
  // glibc's posix_spawn tries clone3, whose flags seccomp cannot read; clone's it can.
  rules.push_back({"clone3", Errno(ENOSYS), {}});
  for (const int flag : {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWIPC,
                         CLONE_NEWUTS, CLONE_NEWCGROUP, CLONE_NEWTIME}) {
    rules.push_back({"clone", Errno(EPERM), {{0, static_cast<uint64_t>(flag)}}});  // masked
  }
  return rules;
}

struct ContextDeleter {
  void operator()(scmp_filter_ctx ctx) const { seccomp_release(ctx); }
};

base::Status AddRule(scmp_filter_ctx ctx, const Rule& rule, bool masked_flags) {
  const int number = seccomp_syscall_resolve_name(rule.syscall);
  if (number == __NR_SCMP_ERROR) {
    return base::Status::Internal(std::string("seccomp: unknown syscall ") + rule.syscall);
  }
  std::vector<scmp_arg_cmp> comparisons;
  for (const ArgEquals& arg : rule.args) {
    comparisons.push_back(masked_flags
                              ? scmp_arg_cmp{arg.index, SCMP_CMP_MASKED_EQ, arg.value, arg.value}
                              : scmp_arg_cmp{arg.index, SCMP_CMP_EQ, arg.value, 0});
  }
  const int rc = seccomp_rule_add_array(
      ctx, rule.action, number, static_cast<unsigned>(comparisons.size()), comparisons.data());
  if (rc != 0) {
    return base::Status::Internal(std::string("seccomp_rule_add(") + rule.syscall +
                                  "): " + ErrnoText(-rc));
  }
  return base::Status::Ok();
}

// Exports through a memfd: libseccomp 2.5 writes BPF only to an fd.
base::Status Export(scmp_filter_ctx ctx, SeccompFilter* filter) {
  UniqueFd memfd(memfd_create("seccomp-bpf", MFD_CLOEXEC));
  if (!memfd.valid()) return base::Status::Internal("memfd_create: " + ErrnoText(errno));
  if (int rc = seccomp_export_bpf(ctx, memfd.get()); rc != 0) {
    return base::Status::Internal("seccomp_export_bpf: " + ErrnoText(-rc));
  }
  const off_t size = lseek(memfd.get(), 0, SEEK_END);
  if (size <= 0 || size % static_cast<off_t>(sizeof(sock_filter)) != 0) {
    return base::Status::Internal("seccomp_export_bpf wrote an unexpected size");
  }
  filter->instructions.resize(static_cast<size_t>(size) / sizeof(sock_filter));
  if (pread(memfd.get(), filter->instructions.data(), static_cast<size_t>(size), 0) != size) {
    return base::Status::Internal("reading the exported seccomp filter: " + ErrnoText(errno));
  }
  filter->program.len = static_cast<unsigned short>(filter->instructions.size());
  filter->program.filter = filter->instructions.data();
  return base::Status::Ok();
}

base::StatusOr<SeccompFilter> Build(Policy policy) {
  const bool execute = policy == Policy::kExecute;
  std::unique_ptr<void, ContextDeleter> ctx(
      seccomp_init(execute ? SCMP_ACT_NOTIFY : SCMP_ACT_ALLOW));
  if (!ctx) return base::Status::Internal("seccomp_init failed");
  // Only the native ABI: an i386 (int 0x80) or x32 call kills the process outright.
  seccomp_attr_set(ctx.get(), SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
  // We set NO_NEW_PRIVS ourselves, as an explicit step.
  seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0);
  for (const Rule& rule : execute ? ExecuteRules() : CompileRules()) {
    const bool masked = !execute && std::string_view(rule.syscall) == "clone";
    RETURN_IF_ERROR(AddRule(ctx.get(), rule, masked));
  }
  SeccompFilter filter;
  filter.notify = execute;
  RETURN_IF_ERROR(Export(ctx.get(), &filter));
  return filter;
}

}  // namespace

base::StatusOr<const SeccompFilter*> FilterFor(Policy policy) {
  struct Cache {
    std::once_flag once;
    base::StatusOr<SeccompFilter> filter = base::Status::Internal("not built");
  };
  static Cache caches[2];
  Cache& cache = caches[policy == Policy::kExecute ? 1 : 0];
  std::call_once(cache.once, [&] {
    cache.filter = Build(policy);
    if (cache.filter.ok()) cache.filter->program.filter = cache.filter->instructions.data();
  });
  if (!cache.filter.ok()) return cache.filter.status();
  const SeccompFilter* filter = &*cache.filter;
  return filter;
}

const char* ExecPathnameToken() { return kExecPathname; }

int InstallFilter(const SeccompFilter& filter) {
  const unsigned flags = filter.notify ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0;
  const long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &filter.program);
  if (rc < 0) return -errno;
  return static_cast<int>(rc);
}

std::string SyscallName(uint32_t arch, int number) {
  char* name = seccomp_syscall_resolve_num_arch(arch, number);
  if (name == nullptr) return "syscall " + std::to_string(number);
  std::string result(name);
  std::free(name);
  return result;
}

}  // namespace sandbox
