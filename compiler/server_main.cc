// grader-compiler: the compile server (compiler/servers.h starts it; not a command for people).
//
// Reads requests (compiler/protocol.h) from the socket on fd 3, one at a time, and answers each
// with the Outcome of sandbox::Run for it. A command whose argv[0] is the clang it was built
// with runs in its box as a fork of this process (compiler/clang_in_process.h), with clang and
// lld already loaded and relocated, and their code already mapped (compiler/huge_text.h). Exits when the grader closes the socket or dies.
// (ExitWhenTheGraderIsGone: the grader's end closes when it exits, however it exits.)
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "compiler/clang_in_process.h"
#include "compiler/huge_text.h"
#include "compiler/protocol.h"
#include "sandbox/sandbox.h"

namespace {

using compiler::kServerSocketFd;

sandbox::Outcome Serve(compiler::Request request) {
  if (request.policy == sandbox::Policy::kCompile && !request.command.argv.empty() &&
      compiler::RunsInProcess(request.command.argv[0])) {
    request.command.in_process = compiler::CompileInProcess;
  }
  return sandbox::Run(request.command, request.limits, request.policy);
}

// Ends the server (and with it any box it runs: their inits die with it) as soon as the grader
// is gone, even in the middle of a compile. Not PR_SET_PDEATHSIG: that fires when the grader's
// *thread* that started us ends, and worker threads come and go while servers are kept.
void ExitWhenTheGraderIsGone() {
  std::thread([] {
    pollfd hangup{kServerSocketFd, POLLRDHUP, 0};
    while (::poll(&hangup, 1, -1) < 0 && errno == EINTR) {
    }
    _exit(0);
  }).detach();
}

}  // namespace

int main(int argc, char** argv) {
  struct stat socket_stat {};
  if (argc != 1 || ::fstat(kServerSocketFd, &socket_stat) != 0 || !S_ISSOCK(socket_stat.st_mode)) {
    std::fprintf(stderr,
                 "%s is the grader's compile server: the grader starts it, with a socket on fd 3\n",
                 argc > 0 ? argv[0] : "grader-compiler");
    return 2;
  }
  ExitWhenTheGraderIsGone();
  compiler::InitializeClang();
  // Only when the grader asks (it bounds the memory this costs), and only once the server is
  // reused: the copy costs about as much CPU as it saves over four compiles, so a one-off
  // `grader grade` compiles faster without it.
  const char* copy_code = std::getenv("GRADER_COMPILER_HUGE_CODE");
  bool code_to_copy = copy_code != nullptr && std::string(copy_code) == "1";
  for (int served = 0;; ++served) {
    base::StatusOr<std::string> frame = compiler::ReadFrame(kServerSocketFd);
    if (!frame.ok()) {
      if (frame.status().code() == base::StatusCode::kNotFound) return 0;  // the grader is done
      std::fprintf(stderr, "grader-compiler: %s\n", frame.status().message().c_str());
      return 1;
    }
    if (served == 1 && code_to_copy) {
      compiler::MoveLibraryCodeToHugePages();
      code_to_copy = false;
    }
    base::StatusOr<compiler::Request> request = compiler::DecodeRequest(*frame);
    sandbox::Outcome outcome;
    if (request.ok()) {
      outcome = Serve(std::move(*request));
    } else {
      outcome.status = sandbox::Status::kSandboxError;
      outcome.error = "compile server: " + request.status().message();
    }
    if (!compiler::WriteFrame(kServerSocketFd, compiler::EncodeOutcome(outcome)).ok()) return 1;
  }
}
