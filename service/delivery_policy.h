// What an outbox delivery attempt's reply means, and when to try again
// (docs/service-outbox.md, "Delivery rules"). Pure functions, no I/O.
#pragma once

#include <cstdint>
#include <random>
#include <string>

#include "service/config.h"
#include "service/http_post.h"

namespace service {

enum class DeliveryOutcome { kDelivered, kRetry, kDead };

// "delivered" | "retry" | "dead": the outcome names of the metrics observer.
const char* OutcomeName(DeliveryOutcome outcome);

struct AttemptResult {
  DeliveryOutcome outcome = DeliveryOutcome::kDead;
  std::string error;           // why it was not delivered: one line
  int64_t retry_after_ms = 0;  // the peer's Retry-After, when it sent one (a retry's floor)
};

// 2xx: delivered. A network error or timeout, 408, 429, 5xx: retry. Any other status
// (3xx, 4xx): dead at once, since sending the same request again cannot change the answer.
AttemptResult ClassifyReply(const HttpReply& reply);

// The delay before the next attempt after `attempts` failed ones (>= 1): full jitter, uniform
// in [0, min(max_backoff, initial_backoff * 2^(attempts-1))], then raised to `retry_after_ms`
// (still capped at max_backoff).
int64_t RetryDelayMs(int64_t attempts, int64_t retry_after_ms, const ServiceConfig& config,
                     std::mt19937_64& random);

// True when `host` (already lower case) is one of `allowed` (compared case-insensitively).
bool HostAllowed(const std::string& host, const std::vector<std::string>& allowed);

}  // namespace service
