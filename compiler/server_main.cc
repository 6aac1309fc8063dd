// grader-compiler: the compile server (compiler/servers.h starts it; not a command for people).
//
// Reads requests (compiler/protocol.h) from the socket on fd 3, one at a time, and answers each
// with the Outcome of sandbox::Run for it. A command whose argv[0] is the clang it was built
// with runs in its box as a fork of this process (compiler/clang_in_process.h), with clang and
// lld already loaded and relocated, and (once reused) their code and the problem's precompiled
// header already mapped (compiler/huge_text.h). Exits when the grader closes the socket or dies.
// (ExitWhenTheGraderIsGone: the grader's end closes when it exits, however it exits.)
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "compiler/clang_in_process.h"
#include "compiler/huge_text.h"
#include "compiler/protocol.h"
#include "sandbox/sandbox.h"

namespace {

using compiler::kServerSocketFd;

// The precompiled header the command includes (an absolute path), read into the server's
// huge pages once (compiler/huge_text.h); nullptr if none or unreadable.
const compiler::PreloadedFile* PrecompiledHeader(const std::vector<std::string>& argv) {
  const auto flag = std::find(argv.begin(), argv.end(), "-include-pch");
  if (flag == argv.end() || flag + 1 == argv.end() || !flag[1].starts_with('/')) return nullptr;
  return compiler::PreloadFile(flag[1]);
}

sandbox::Outcome Serve(compiler::Request request, bool copy_pch) {
  if (request.policy == sandbox::Policy::kCompile && !request.command.argv.empty() &&
      compiler::RunsInProcess(request.command.argv[0])) {
    request.command.in_process = compiler::CompileInProcess;
    compiler::UsePreloadedFile(copy_pch ? PrecompiledHeader(request.command.argv) : nullptr);
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
  // Copies into huge pages (compiler/huge_text.h): only when the grader asks (it bounds the
  // memory they cost), and only once the server is reused: the code's copy costs about as much
  // CPU as it saves over four compiles, so a one-off `grader grade` is faster without them.
  const char* asked = std::getenv("GRADER_COMPILER_HUGE_PAGES");
  const bool may_copy = asked != nullptr && std::string(asked) == "1";
  for (int served = 0;; ++served) {
    base::StatusOr<std::string> frame = compiler::ReadFrame(kServerSocketFd);
    if (!frame.ok()) {
      if (frame.status().code() == base::StatusCode::kNotFound) return 0;  // the grader is done
      std::fprintf(stderr, "grader-compiler: %s\n", frame.status().message().c_str());
      return 1;
    }
    if (served == 1 && may_copy) compiler::MoveLibraryCodeToHugePages();
    base::StatusOr<compiler::Request> request = compiler::DecodeRequest(*frame);
    sandbox::Outcome outcome;
    if (request.ok()) {
      outcome = Serve(std::move(*request), /*copy_pch=*/may_copy && served > 0);
    } else {
      outcome.status = sandbox::Status::kSandboxError;
      outcome.error = "compile server: " + request.status().message();
    }
    if (!compiler::WriteFrame(kServerSocketFd, compiler::EncodeOutcome(outcome)).ok()) return 1;
  }
}
