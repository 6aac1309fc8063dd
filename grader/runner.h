// The seam between the engine and the operating system's process machinery: the engine runs
// every child (compiler, learner program) through a ProcessRunner, so tests can script outcomes
// or inject failures without a real sandbox.
#pragma once

#include <filesystem>

#include "compiler/servers.h"
#include "sandbox/sandbox.h"

namespace grader {

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  virtual sandbox::Outcome Run(const sandbox::Command& command, const sandbox::Limits& limits,
                               sandbox::Policy policy) = 0;
};

// The real one: sandbox::Run.
class SandboxRunner : public ProcessRunner {
 public:
  sandbox::Outcome Run(const sandbox::Command& command, const sandbox::Limits& limits,
                       sandbox::Policy policy) override {
    return sandbox::Run(command, limits, policy);
  }
};

// The real one with compile servers (compiler/servers.h): compiler commands run in a server
// that keeps clang and lld loaded, in the same compile box; everything else is sandbox::Run.
// The outcomes are the same; a compile costs about half the CPU (docs/compile-pipeline.md).
class CompileServerRunner : public ProcessRunner {
 public:
  explicit CompileServerRunner(std::filesystem::path server) : servers_(std::move(server)) {}
  sandbox::Outcome Run(const sandbox::Command& command, const sandbox::Limits& limits,
                       sandbox::Policy policy) override {
    if (policy == sandbox::Policy::kCompile) return servers_.Run(command, limits, policy);
    return sandbox::Run(command, limits, policy);
  }
  compiler::CompileServers& servers() { return servers_; }

 private:
  compiler::CompileServers servers_;
};

}  // namespace grader
