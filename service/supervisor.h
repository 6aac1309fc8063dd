// Supervises the grading worker processes of `grader serve` with Boost.Process v2: starts
// `workers` of them, restarts one that exits with a backoff (1 s, doubling to 30 s, back to 1 s
// after a minute up), and on Stop() sends SIGTERM to each, waits up to the grace period for
// them to finish their job, then SIGKILLs the stragglers (their leases return to the queue at
// the next start: db::ResetLeases). The workers are direct children (pgrep -P finds them).
// Thread-safe; one monitoring thread of its own.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace service {

class Supervisor {
 public:
  // One worker per element of `worker_args`: its arguments after `program`.
  Supervisor(std::filesystem::path program, std::vector<std::vector<std::string>> worker_args);
  ~Supervisor();  // Stop(0)s when still running
  Supervisor(const Supervisor&) = delete;
  Supervisor& operator=(const Supervisor&) = delete;

  void Start();
  // "" when every worker is running, else e.g. "worker 2 is restarting".
  std::string Problem();
  void Stop(std::chrono::seconds grace);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace service
