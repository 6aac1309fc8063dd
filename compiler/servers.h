// compiler: the grader's side of the compile server (docs/compile-pipeline.md).
//
// A compile server is the program grader-compiler (compiler/server_main.cc): it keeps clang and
// lld loaded and runs each request as sandbox::Run would, in a fresh compile box; a command
// whose argv[0] is the clang driver it was built with runs in that box as a fork of the server
// (sandbox::Command::in_process) instead of an exec of clang, so a compile pays neither
// clang's loading (about 125 ms of CPU: 110 MB of libLLVM to relocate) nor lld's (about 80 ms).
// Its outcome is what sandbox::Run would have returned for the same command.
//
// Contract
// - Run() takes the same arguments and returns the same Outcome as sandbox::Run(). It is
//   thread-safe: concurrent calls use different servers; servers are started on demand and kept
//   for the next call (one per concurrent caller at most).
// - A server holds nothing secret: it is exec'd fresh with an environment of its own, and its
//   requests carry only what the compile box sees anyway (sources, flags, directories).
// - A server that dies or does not answer costs that call a kSandboxError (never the learner's
//   compile error); the next call starts a new server. A server that died while idle is
//   replaced before the call is sent.
// - At most one live server per core, once reused, copies clang's and LLVM's code and the last
//   two precompiled headers it read into its own huge pages (about 150 MB + 2 x 60 MB,
//   compiler/huge_text.h); the others read them from the shared files.
// - The destructor ends every server; a server also ends (with the compile it runs) as soon
//   as the grader's end of its socket closes, however the grader exits.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <mutex>
#include <vector>

#include "base/status.h"
#include "sandbox/pipes.h"
#include "sandbox/sandbox.h"

namespace compiler {

class CompileServers {
 public:
  explicit CompileServers(std::filesystem::path program);
  ~CompileServers();
  CompileServers(const CompileServers&) = delete;
  CompileServers& operator=(const CompileServers&) = delete;

  sandbox::Outcome Run(const sandbox::Command& command, const sandbox::Limits& limits,
                       sandbox::Policy policy);

  // Starts one server now, so that its loading overlaps the caller's other work.
  void Prestart();

  // Servers started so far, and their process ids while alive (for tests and benchmarks).
  int started() const;
  std::vector<pid_t> pids() const;

 private:
  struct Server {
    pid_t pid = -1;
    sandbox::UniqueFd socket;
    bool huge_code = false;  // it was asked to copy clang's code into huge pages
  };

  base::StatusOr<Server> Start();
  base::StatusOr<Server> Take(bool* fresh);  // an idle server, else a new one (*fresh)
  void Give(Server server);
  static void End(Server& server);

  const std::filesystem::path program_;
  mutable std::mutex mutex_;
  std::vector<Server> idle_;
  std::vector<pid_t> busy_;
  int started_ = 0;
  unsigned huge_code_servers_ = 0;  // live servers with their own copy of clang's code
};

}  // namespace compiler
