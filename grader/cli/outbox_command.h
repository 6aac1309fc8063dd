// The operator's commands of the service's outbox and LTI keys (docs/service-outbox.md):
//   grader outbox list [--dead] [--json]   rows of the outbox, oldest first
//   grader outbox retry ID                 a dead (or pending) row pending again, due now
//   grader outbox deliver --config F [--until-idle]
//                                          the dispatcher in the foreground until Ctrl-C, or
//                                          until no row is pending
//   grader lti jwks --config F             the JWKS of the configured LTI keys
// Exit codes: grader/cli/exit_codes.h (an unknown row id is an input error, 2).
#pragma once

#include <cstdint>
#include <string>

#include "grader/cli/commands.h"

namespace grader::cli {

int OutboxList(const GlobalOptions& global, bool dead_only, bool json);
int OutboxRetry(const GlobalOptions& global, int64_t id);
int OutboxDeliver(const GlobalOptions& global, const std::string& config_path, bool until_idle);
int LtiJwks(const std::string& config_path);

}  // namespace grader::cli
