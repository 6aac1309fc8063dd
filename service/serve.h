// `grader serve --config FILE` (docs/service.md): the whole service in one call. In order:
// load the configuration, open the engine on the data directory (one serve per data directory:
// a second one is refused), put back the jobs of a previous run's dead workers (ResetLeases),
// start the outbox dispatcher, listen and print "listening on http://HOST:PORT", start the
// worker processes, then wait for SIGTERM/SIGINT. Shutdown: intake answers
// 503, the workers finish their job (or are killed after the grace period), the dispatcher
// stops, pending intake commits finish, the HTTP server stops; exit 0.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "grader/engine.h"
#include "service/config.h"

namespace service {

struct ServeOptions {
  std::filesystem::path config_path;
  grader::EngineOptions engine;
  std::filesystem::path problems_dir;
  // The worker command: the grader program and the global options to repeat before `worker`.
  std::filesystem::path program;
  std::vector<std::string> global_args;
};

// The exit code: 0 after a graceful stop, 2 when it cannot start (the reason on stderr).
int RunServe(const ServeOptions& options);

}  // namespace service
