// The service's configuration (`grader serve --config FILE`, docs/service.md): a TOML file,
// read once at start. Secret and key files are read here too, and refused when they are missing,
// empty or readable by the group or others (a one-line reason naming the file).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/status.h"

namespace service {

// One LTI 1.3 platform ([[lti]] table).
struct LtiPlatformConfig {
  std::string issuer;     // the platform's iss, matched against a submission's lti.platform
  std::string client_id;  // our client id on that platform: iss and sub of our assertions
  std::string token_url;  // its OAuth 2 token endpoint: aud of our assertions
  std::filesystem::path key_file;  // our RSA private key (PEM)
  std::string private_key_pem;     // its text, read at load
  std::string key_id;              // kid of our assertions and of the JWKS entry
};

struct ServiceConfig {
  std::string listen_host = "127.0.0.1";
  int listen_port = 8080;  // 0: a free port, printed at start
  // Base of the status_url / result_url we hand out; empty: "http://<listen address>".
  std::string public_url;
  int workers = 2;  // grading worker processes
  int64_t max_body_bytes = 1 << 20;
  int64_t max_queue = 10000;  // queued jobs beyond which intake answers 503 + Retry-After

  // Keys: the decoded bytes of every "whsec_" secret in the file, one per line (rotation:
  // the first signs, every one verifies).
  std::vector<std::string> webhook_keys;
  std::vector<std::string> callback_keys;
  std::string api_token;  // bearer token of the GET endpoints (api_token_file)
  std::vector<std::string> callback_allow_hosts;

  // Durable queue: a lease lasts this long unless renewed; a job leased this many times
  // without finishing (its workers died) becomes internal_error.
  int lease_seconds = 60;
  int max_attempts = 3;
  int shutdown_grace_seconds = 30;

  // Outbox deliveries: exponential backoff from the initial delay, doubled per attempt, with
  // full jitter, capped; dead letter after max attempts.
  int delivery_max_attempts = 8;
  int delivery_initial_backoff_ms = 500;
  int delivery_max_backoff_ms = 60000;
  int delivery_timeout_ms = 5000;

  std::vector<LtiPlatformConfig> lti;
  std::filesystem::path path;  // the file it was read from (relative key paths resolve here)
};

// Reads and checks the file; kInvalidArgument "FILE: key: what is wrong" on any error.
base::StatusOr<ServiceConfig> LoadServiceConfig(const std::filesystem::path& path);

}  // namespace service
