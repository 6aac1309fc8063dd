// Namespaces: which ones a box gets, the shared empty network namespace, and the box's init.
//
//   kCompile  new pid, mount, ipc and uts namespaces; the shared empty network namespace.
//   kExecute  a new pid namespace; the shared empty network namespace. (The seccomp allowlist
//             already forbids files, IPC and sockets; a mount namespace would cost more than it
//             adds, and the program's root is an empty directory anyway: see launcher.cc.)
// Creating a network namespace per run costs milliseconds and is serialised in the kernel, so
// one empty namespace (loopback down, no other interface) is made per grader process and every
// box joins it with setns(). Boxes cannot use it to talk to each other: both policies deny
// socket(). Where the kernel refuses namespaces (not root, a container without CAP_SYS_ADMIN),
// boxes run without them and Outcome::error notes it. Thread-safe.
#pragma once

#include <string>

#include "sandbox/sandbox.h"

namespace sandbox {

struct NamespaceSetup {
  int clone_flags = 0;  // for clone(2); 0 means a plain fork
  int net_fd = -1;      // the empty network namespace to setns() into, or -1
  std::string note;     // what is missing, for Outcome::error; "" when all is there
};

NamespaceSetup NamespacesFor(Policy policy);

// Child side, async-signal-safe. The init of a box with a pid namespace: reaps every process of
// the box until `program` is reaped, writes the program's wait status (4 bytes) to `status_fd`,
// then exits, which makes the kernel kill whatever is left in the namespace.
[[noreturn]] void RunBoxInit(pid_t program, int status_fd);

}  // namespace sandbox
