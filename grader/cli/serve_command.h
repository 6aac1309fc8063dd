// `grader serve --config FILE` and `grader worker` (docs/service.md, docs/scale-out.md): thin
// front ends over service/serve.h and service/worker.h.
#pragma once

#include <string>

#include "grader/cli/commands.h"

namespace grader::cli {

struct WorkerCommandOptions {
  std::string config_path;  // empty: the configuration's defaults
  std::string id;           // empty: the host name
  std::string public_url;   // empty: the configuration's public_url
  bool supervised = false;  // started by serve: stop when it dies
};

int Serve(const GlobalOptions& global, const std::string& config_path);
int Worker(const GlobalOptions& global, const WorkerCommandOptions& worker);

}  // namespace grader::cli
