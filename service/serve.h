// `grader serve --config FILE` (docs/service.md): the whole service in one call. In order:
// load the configuration, open the engine on the data directory (one serve per data directory:
// a second one is refused), put back the jobs of a previous run's dead workers (ResetLeases),
// start the outbox dispatcher, listen and print "listening on http://HOST:PORT", start the
// worker processes, run the hooks, then wait for SIGTERM/SIGINT. Shutdown: intake answers
// 503, the workers finish their job (or are killed after the grace period), the hooks and the
// dispatcher stop, pending intake commits finish, the HTTP server stops; exit 0.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "grader/engine.h"
#include "service/config.h"

namespace service {

// What serve hands to a hook: the loaded configuration, the database file, and the delivery
// counter of /metrics (grader_deliveries_total{kind,outcome}).
struct ServeEnvironment {
  const ServiceConfig* config = nullptr;
  std::filesystem::path database;
  std::function<void(std::string_view kind, std::string_view outcome)> count_delivery;
};

// A part of the service that runs beside the HTTP server: started once
// the server listens, stopped after the workers are gone.
struct ServeHook {
  std::function<void(const ServeEnvironment&)> start;
  std::function<void()> stop;
};

struct ServeOptions {
  std::filesystem::path config_path;
  grader::EngineOptions engine;
  std::filesystem::path problems_dir;
  // The worker command: the grader program and the global options to repeat before `worker`.
  std::filesystem::path program;
  std::vector<std::string> global_args;
  std::vector<ServeHook> hooks;
};

// The exit code: 0 after a graceful stop, 2 when it cannot start (the reason on stderr).
int RunServe(const ServeOptions& options);

}  // namespace service
