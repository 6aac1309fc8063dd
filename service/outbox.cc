// The outbox dispatcher (service/outbox.h).
#include "service/outbox.h"

#include <openssl/rand.h>

#include <random>

#include "db/outbox.h"
#include "db/store.h"
#include "service/http_post.h"
#include "service/webhook_signature.h"

namespace service {
namespace {

constexpr int64_t kRowsPerPoll = 16;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

AttemptResult DeadResult(std::string error) {
  AttemptResult result;
  result.outcome = DeliveryOutcome::kDead;
  result.error = std::move(error);
  return result;
}

// How long a claimed row stays away from other dispatchers: an LTI score may take a token
// request, the score and, after a 401, both again.
int64_t ClaimMs(const ServiceConfig& config) {
  return 4 * static_cast<int64_t>(config.delivery_timeout_ms) + 1000;
}

uint64_t RandomSeed() {
  uint64_t seed = 0;
  if (RAND_bytes(reinterpret_cast<unsigned char*>(&seed), sizeof seed) != 1) {
    seed = static_cast<uint64_t>(NowMs());
  }
  return seed;
}

}  // namespace

OutboxDispatcher::OutboxDispatcher(ServiceConfig config, DispatcherOptions options,
                                   Observer observer)
    : config_(std::move(config)),
      options_(std::move(options)),
      observer_(std::move(observer)),
      lti_(config_.lti, std::chrono::milliseconds(config_.delivery_timeout_ms)) {}

base::StatusOr<std::unique_ptr<OutboxDispatcher>> OutboxDispatcher::Start(ServiceConfig config,
                                                                          DispatcherOptions options,
                                                                          Observer observer) {
  if (options.threads < 1) return base::Status::InvalidArgument("dispatcher threads must be >= 1");
  std::vector<std::unique_ptr<db::Store>> stores;
  for (int i = 0; i < options.threads; ++i) {
    base::StatusOr<std::unique_ptr<db::Store>> store =
        db::Store::Open(options.database_path, db::Store::Sync::kNormal);
    if (!store.ok()) return store.status();
    stores.push_back(std::move(*store));
  }
  std::unique_ptr<OutboxDispatcher> dispatcher(
      new OutboxDispatcher(std::move(config), std::move(options), std::move(observer)));
  for (std::unique_ptr<db::Store>& store : stores) {
    dispatcher->threads_.emplace_back(&OutboxDispatcher::Run, dispatcher.get(), std::move(store),
                                      RandomSeed());
  }
  return dispatcher;
}

void OutboxDispatcher::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

OutboxDispatcher::~OutboxDispatcher() { Stop(); }

void OutboxDispatcher::Run(std::unique_ptr<db::Store> store, uint64_t seed) {
  std::mt19937_64 random(seed);
  db::Connection& database = store->connection();
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (stopping_) return;
    }
    bool attempted = false;
    base::StatusOr<std::vector<db::OutboxRow>> due =
        db::ListDueOutbox(database, NowMs(), kRowsPerPoll);
    // A database error (e.g. busy beyond the store's timeout) is retried at the next poll.
    for (const db::OutboxRow& row : due.ok() ? *due : std::vector<db::OutboxRow>()) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) return;
      }
      base::StatusOr<bool> claimed =
          db::ClaimOutboxRow(database, row.id, row.next_attempt_ms, NowMs() + ClaimMs(config_));
      if (!claimed.ok() || !*claimed) continue;
      attempted = true;
      AttemptResult result = Attempt(row);
      const int64_t attempts = row.attempts + 1;
      if (result.outcome == DeliveryOutcome::kRetry && attempts >= config_.delivery_max_attempts) {
        result.outcome = DeliveryOutcome::kDead;
        result.error = "gave up after " + std::to_string(attempts) + " attempts: " + result.error;
      }
      base::Status marked;
      switch (result.outcome) {
        case DeliveryOutcome::kDelivered:
          marked = db::MarkOutboxDelivered(database, row.id, attempts);
          break;
        case DeliveryOutcome::kRetry:
          marked = db::MarkOutboxRetry(
              database, row.id, attempts,
              NowMs() + RetryDelayMs(attempts, result.retry_after_ms, config_, random),
              result.error);
          break;
        case DeliveryOutcome::kDead:
          marked = db::MarkOutboxDead(database, row.id, attempts, result.error);
          break;
      }
      // Not recorded (the database failed): the claim lapses and the row is sent again with
      // the same id, which a receiver deduplicates.
      if (marked.ok() && observer_) observer_(row.kind, OutcomeName(result.outcome));
    }
    if (attempted) continue;  // more rows may be due at once
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
  }
}

AttemptResult OutboxDispatcher::Attempt(const db::OutboxRow& row) {
  if (row.kind == "callback") return AttemptCallback(row);
  if (row.kind == "lti_score") return lti_.PostScore(row.platform, row.target, row.payload);
  return DeadResult("unknown kind '" + row.kind + "'");
}

AttemptResult OutboxDispatcher::AttemptCallback(const db::OutboxRow& row) {
  base::StatusOr<HttpUrl> url = ParseHttpUrl(row.target);
  if (!url.ok()) return DeadResult(url.status().message());
  // Checked again at delivery: the allow list may have shrunk since the intake accepted it.
  if (!HostAllowed(url->host, config_.callback_allow_hosts)) {
    return DeadResult("callback_allow_hosts: host '" + url->host + "' is not allowed");
  }
  if (config_.callback_keys.empty()) return DeadResult("no callback secret to sign with");
  const int64_t timestamp = NowMs() / 1000;
  const HttpHeaders headers = {
      {"webhook-id", row.delivery_id},
      {"webhook-timestamp", std::to_string(timestamp)},
      {"webhook-signature",
       SignWebhook(config_.callback_keys[0], row.delivery_id, timestamp, row.payload)},
  };
  const HttpReply reply = PostHttp(*url, headers, row.payload, "application/json",
                                   std::chrono::milliseconds(config_.delivery_timeout_ms));
  return ClassifyReply(reply);
}

base::StatusOr<int64_t> CountPendingOutbox(const std::string& database_path) {
  base::StatusOr<std::unique_ptr<db::Store>> store = db::Store::Open(database_path);
  if (!store.ok()) return store.status();
  base::StatusOr<std::vector<db::OutboxRow>> rows = db::ListOutbox((*store)->connection(), false);
  if (!rows.ok()) return rows.status();
  int64_t pending = 0;
  for (const db::OutboxRow& row : *rows) pending += row.status == "pending" ? 1 : 0;
  return pending;
}

}  // namespace service
