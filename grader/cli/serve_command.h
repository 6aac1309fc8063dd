// `grader serve --config FILE` and the hidden `grader worker` it starts (docs/service.md):
// thin front ends over service/serve.h and service/worker.h.
#pragma once

#include <string>

#include "grader/cli/commands.h"

namespace grader::cli {

int Serve(const GlobalOptions& global, const std::string& config_path);
int Worker(const GlobalOptions& global, const std::string& config_path,
           const std::string& worker_id, const std::string& public_url);

}  // namespace grader::cli
