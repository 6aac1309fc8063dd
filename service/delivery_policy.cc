// Delivery rules (service/delivery_policy.h).
#include "service/delivery_policy.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace service {
namespace {

// Retry-After as delta-seconds; an HTTP date or garbage is ignored (0).
int64_t RetryAfterMs(const std::string& value) {
  int64_t seconds = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error != std::errc() || end != value.data() + value.size() || seconds < 0) return 0;
  return std::min<int64_t>(seconds, 24 * 3600) * 1000;
}

}  // namespace

const char* OutcomeName(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::kDelivered:
      return "delivered";
    case DeliveryOutcome::kRetry:
      return "retry";
    case DeliveryOutcome::kDead:
      return "dead";
  }
  return "dead";
}

AttemptResult ClassifyReply(const HttpReply& reply) {
  AttemptResult result;
  if (reply.status == 0) {
    result.outcome = DeliveryOutcome::kRetry;
    result.error = "network error: " + reply.error;
    return result;
  }
  if (reply.status >= 200 && reply.status < 300) {
    result.outcome = DeliveryOutcome::kDelivered;
    return result;
  }
  result.error = "HTTP " + std::to_string(reply.status);
  const bool transient = reply.status == 408 || reply.status == 429 || reply.status >= 500;
  result.outcome = transient ? DeliveryOutcome::kRetry : DeliveryOutcome::kDead;
  if (transient) result.retry_after_ms = RetryAfterMs(reply.retry_after);
  return result;
}

int64_t RetryDelayMs(int64_t attempts, int64_t retry_after_ms, const ServiceConfig& config,
                     std::mt19937_64& random) {
  const int64_t max_ms = std::max<int64_t>(config.delivery_max_backoff_ms, 0);
  int64_t ceiling = std::max<int64_t>(config.delivery_initial_backoff_ms, 0);
  for (int64_t i = 1; i < attempts && ceiling < max_ms; ++i) ceiling *= 2;
  ceiling = std::min(ceiling, max_ms);
  std::uniform_int_distribution<int64_t> jitter(0, ceiling);
  return std::min(std::max(jitter(random), retry_after_ms), max_ms);
}

bool HostAllowed(const std::string& host, const std::vector<std::string>& allowed) {
  return std::any_of(allowed.begin(), allowed.end(), [&](const std::string& candidate) {
    return candidate.size() == host.size() &&
           std::equal(candidate.begin(), candidate.end(), host.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) ==
                    std::tolower(static_cast<unsigned char>(b));
           });
  });
}

}  // namespace service
