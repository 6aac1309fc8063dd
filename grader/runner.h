// The seam between the engine and the operating system's process machinery: the engine runs
// every child (compiler, learner program) through a ProcessRunner, so tests can script outcomes
// or inject failures without a real sandbox.
#pragma once

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

}  // namespace grader
