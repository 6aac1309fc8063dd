// Checking one POST /v1/submissions (docs/service.md, "Intake"), in the order the API promises:
// 415 content type, 401 signature (Standard Webhooks over the raw body), 400 JSON shape (the
// message names the field), 422 content (unknown problem, learner or source refused with the
// CLI's one-line reasons, callback host not allowed, unknown LTI platform). The 413 for size
// comes earlier, from the HTTP layer; duplicates and a full queue are decided by the queue.
// Pure (no I/O); thread-safe.
#pragma once

#include <chrono>
#include <set>
#include <string>

#include "db/service_jobs.h"
#include "service/config.h"

namespace service {

struct IntakeRequest {
  std::string content_type;
  std::string webhook_id, webhook_timestamp, webhook_signature;
  std::string body;
};

struct IntakeError {
  int http_status = 0;
  std::string message;
};

// The first two stages (415, 401, 400): the parsed job, or the error to answer.
struct ParsedIntake {
  db::NewJob job;
  std::optional<IntakeError> error;
};
ParsedIntake ParseIntake(const ServiceConfig& config, const IntakeRequest& request,
                         std::chrono::system_clock::time_point now);

// The 422 stage; `problems`: the ids the service grades.
std::optional<IntakeError> CheckJobContent(const ServiceConfig& config,
                                           const std::set<std::string>& problems,
                                           const db::NewJob& job);

}  // namespace service
