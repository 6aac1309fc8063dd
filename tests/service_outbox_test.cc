// The outbox dispatcher's callbacks against a real receiver: tests/node/callback_receiver.mjs
// verifies every request with the npm standardwebhooks package. Plus the delivery rules' pure
// functions and the operator's commands (`grader outbox ...`).
#include <gtest/gtest.h>

#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "service/delivery_policy.h"
#include "service/outbox.h"
#include "service/webhook_signature.h"
#include "tests/outbox_test_util.h"

namespace {

using outbox_test::NodePeer;
using outbox_test::TempDataDir;
using outbox_test::WaitFinished;

constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const std::string kPayload =
    R"({"type":"submission.graded","submission_id":1,"problem":"relu","learner":"ada",)"
    R"("status":"graded","score":7,"max_score":10,"result_url":"http://x/v1/submissions/1"})";

service::ServiceConfig FastConfig() {
  service::ServiceConfig config;
  config.callback_keys = {*service::DecodeWebhookSecret(kSecret)};
  config.callback_allow_hosts = {"127.0.0.1"};
  config.delivery_max_attempts = 4;
  config.delivery_initial_backoff_ms = 20;
  config.delivery_max_backoff_ms = 100;
  config.delivery_timeout_ms = 3000;
  return config;
}

// Outcomes reported to the observer, as "kind:outcome".
struct Observed {
  std::mutex mutex;
  std::vector<std::string> events;
  service::OutboxDispatcher::Observer Observer() {
    return [this](std::string_view kind, std::string_view outcome) {
      std::lock_guard<std::mutex> lock(mutex);
      events.push_back(std::string(kind) + ":" + std::string(outcome));
    };
  }
};

// Runs a dispatcher over `dir` until row `id` is delivered or dead.
db::OutboxRow Dispatch(TempDataDir& dir, int64_t id, const service::ServiceConfig& config,
                       Observed* observed = nullptr) {
  auto dispatcher = service::OutboxDispatcher::Start(config, {dir.database_path()},
                                                     observed ? observed->Observer() : nullptr);
  EXPECT_TRUE(dispatcher.ok()) << dispatcher.status().message();
  db::OutboxRow row = WaitFinished(dir, id);
  (*dispatcher)->Stop();
  return row;
}

std::unique_ptr<NodePeer> Receiver(nlohmann::json options = nlohmann::json::object()) {
  options["secret"] = kSecret;
  return NodePeer::Start("callback_receiver.mjs", options);
}

TEST(OutboxCallbackTest, DeliveredOnceWithAValidSignature) {
  TempDataDir dir;
  auto receiver = Receiver();
  ASSERT_TRUE(receiver);
  const int64_t id = dir.AddRow("callback", receiver->Url("/hooks/grades"), kPayload);
  Observed observed;
  const db::OutboxRow row = Dispatch(dir, id, FastConfig(), &observed);
  EXPECT_EQ(row.status, "delivered");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_FALSE(row.finished_at.empty());
  const nlohmann::json seen = receiver->Get("/deliveries");
  ASSERT_EQ(seen["deliveries"].size(), 1u) << seen.dump();
  EXPECT_TRUE(seen["attempts"][0]["verified"].get<bool>());
  EXPECT_EQ(seen["deliveries"][0]["webhookId"], row.delivery_id);
  EXPECT_EQ(seen["deliveries"][0]["path"], "/hooks/grades");
  EXPECT_EQ(seen["deliveries"][0]["contentType"], "application/json");
  EXPECT_EQ(seen["deliveries"][0]["body"], nlohmann::json::parse(kPayload));
  EXPECT_EQ(observed.events, std::vector<std::string>{"callback:delivered"});
}

TEST(OutboxCallbackTest, TransientFailuresAreRetriedUnderTheSameWebhookId) {
  for (int status : {500, 429}) {
    SCOPED_TRACE(status);
    TempDataDir dir;
    auto receiver = Receiver({{"fail", 2}, {"failStatus", status}});
    ASSERT_TRUE(receiver);
    const int64_t id = dir.AddRow("callback", receiver->Url("/"), kPayload);
    Observed observed;
    const db::OutboxRow row = Dispatch(dir, id, FastConfig(), &observed);
    EXPECT_EQ(row.status, "delivered");
    EXPECT_EQ(row.attempts, 3);
    const nlohmann::json seen = receiver->Get("/deliveries");
    EXPECT_EQ(seen["deliveries"].size(), 1u);
    ASSERT_EQ(seen["attempts"].size(), 3u);
    for (const nlohmann::json& attempt : seen["attempts"]) {
      EXPECT_EQ(attempt["webhookId"], row.delivery_id);
      EXPECT_TRUE(attempt["verified"].get<bool>());
    }
    EXPECT_EQ(observed.events,
              (std::vector<std::string>{"callback:retry", "callback:retry", "callback:delivered"}));
  }
}

TEST(OutboxCallbackTest, AClientErrorIsADeadLetterAtOnce) {
  TempDataDir dir;
  auto receiver = Receiver({{"alwaysStatus", 404}});
  ASSERT_TRUE(receiver);
  const int64_t id = dir.AddRow("callback", receiver->Url("/gone"), kPayload);
  const db::OutboxRow row = Dispatch(dir, id, FastConfig());
  EXPECT_EQ(row.status, "dead");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_error, "HTTP 404");
  EXPECT_EQ(receiver->Get("/deliveries")["attempts"].size(), 1u);
}

TEST(OutboxCallbackTest, GivesUpAfterMaxAttempts) {
  TempDataDir dir;
  auto receiver = Receiver({{"alwaysStatus", 503}});
  ASSERT_TRUE(receiver);
  const int64_t id = dir.AddRow("callback", receiver->Url("/"), kPayload);
  service::ServiceConfig config = FastConfig();
  config.delivery_max_attempts = 3;
  Observed observed;
  const db::OutboxRow row = Dispatch(dir, id, config, &observed);
  EXPECT_EQ(row.status, "dead");
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(row.last_error, "gave up after 3 attempts: HTTP 503");
  EXPECT_EQ(receiver->Get("/deliveries")["attempts"].size(), 3u);
  EXPECT_EQ(observed.events.back(), "callback:dead");
}

TEST(OutboxCallbackTest, ANetworkErrorIsRetried) {
  TempDataDir dir;
  // A port nobody listens on: the peer is started for its port, then stopped.
  std::string url;
  {
    auto receiver = Receiver();
    ASSERT_TRUE(receiver);
    url = receiver->Url("/");
  }
  const int64_t id = dir.AddRow("callback", url, kPayload);
  service::ServiceConfig config = FastConfig();
  config.delivery_max_attempts = 2;
  const db::OutboxRow row = Dispatch(dir, id, config);
  EXPECT_EQ(row.status, "dead");
  EXPECT_EQ(row.attempts, 2);
  EXPECT_NE(row.last_error.find("network error"), std::string::npos) << row.last_error;
}

TEST(OutboxCallbackTest, ADisallowedHostIsADeadLetterWithoutARequest) {
  TempDataDir dir;
  auto receiver = Receiver();
  ASSERT_TRUE(receiver);
  const int64_t id = dir.AddRow("callback", receiver->Url("/"), kPayload);
  service::ServiceConfig config = FastConfig();
  config.callback_allow_hosts = {"lms.example.edu"};
  const db::OutboxRow row = Dispatch(dir, id, config);
  EXPECT_EQ(row.status, "dead");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.last_error, "callback_allow_hosts: host '127.0.0.1' is not allowed");
  EXPECT_EQ(receiver->Get("/deliveries")["attempts"].size(), 0u);
}

// A class's burst (300 results at once): each callback delivered exactly once, with its own id.
TEST(OutboxCallbackTest, ABurstIsDeliveredOnceEach) {
  TempDataDir dir;
  auto receiver = Receiver({{"fail", 30}});  // the first 10% fail once: retries interleave
  ASSERT_TRUE(receiver);
  constexpr int kRows = 300;
  std::vector<int64_t> ids;
  for (int i = 0; i < kRows; ++i)
    ids.push_back(dir.AddRow("callback", receiver->Url("/"), kPayload));
  const auto start = std::chrono::steady_clock::now();
  auto dispatcher = service::OutboxDispatcher::Start(FastConfig(), {dir.database_path()});
  ASSERT_TRUE(dispatcher.ok());
  for (int64_t id : ids) EXPECT_EQ(WaitFinished(dir, id, 60000).status, "delivered");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  (*dispatcher)->Stop();
  const nlohmann::json seen = receiver->Get("/deliveries");
  ASSERT_EQ(seen["deliveries"].size(), static_cast<size_t>(kRows));
  std::set<std::string> webhook_ids;
  for (const nlohmann::json& delivery : seen["deliveries"]) {
    webhook_ids.insert(delivery["webhookId"].get<std::string>());
  }
  EXPECT_EQ(webhook_ids.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(seen["attempts"].size(), static_cast<size_t>(kRows + 30));
  std::cout << "[ burst ] " << kRows << " callbacks (30 retried) in " << seconds
            << " s: " << kRows / seconds << " deliveries/s\n";
}

TEST(OutboxCallbackTest, StopIsPromptWhenIdle) {
  TempDataDir dir;
  auto dispatcher = service::OutboxDispatcher::Start(FastConfig(), {dir.database_path()});
  ASSERT_TRUE(dispatcher.ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  const auto start = std::chrono::steady_clock::now();
  (*dispatcher)->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(200));
}

TEST(DeliveryPolicyTest, ClassifiesReplies) {
  struct Case {
    int status;
    service::DeliveryOutcome outcome;
  };
  using service::DeliveryOutcome;
  for (const Case& c : std::vector<Case>{{200, DeliveryOutcome::kDelivered},
                                         {204, DeliveryOutcome::kDelivered},
                                         {0, DeliveryOutcome::kRetry},
                                         {408, DeliveryOutcome::kRetry},
                                         {429, DeliveryOutcome::kRetry},
                                         {500, DeliveryOutcome::kRetry},
                                         {503, DeliveryOutcome::kRetry},
                                         {301, DeliveryOutcome::kDead},
                                         {400, DeliveryOutcome::kDead},
                                         {401, DeliveryOutcome::kDead},
                                         {410, DeliveryOutcome::kDead}}) {
    service::HttpReply reply;
    reply.status = c.status;
    EXPECT_EQ(service::ClassifyReply(reply).outcome, c.outcome) << c.status;
  }
  service::HttpReply busy;
  busy.status = 429;
  busy.retry_after = "7";
  EXPECT_EQ(service::ClassifyReply(busy).retry_after_ms, 7000);
}

TEST(DeliveryPolicyTest, BackoffDoublesWithFullJitterUnderTheCap) {
  service::ServiceConfig config;
  config.delivery_initial_backoff_ms = 500;
  config.delivery_max_backoff_ms = 60000;
  std::mt19937_64 random(1);
  for (int64_t attempts = 1; attempts <= 12; ++attempts) {
    const int64_t ceiling = std::min<int64_t>(60000, 500LL << (attempts - 1));
    int64_t largest = 0;
    for (int i = 0; i < 200; ++i) {
      const int64_t delay = service::RetryDelayMs(attempts, 0, config, random);
      EXPECT_GE(delay, 0);
      EXPECT_LE(delay, ceiling);
      largest = std::max(largest, delay);
    }
    EXPECT_GT(largest, ceiling / 2) << attempts;  // the whole range is used
  }
  EXPECT_GE(service::RetryDelayMs(1, 5000, config, random), 5000);     // Retry-After: a floor
  EXPECT_EQ(service::RetryDelayMs(1, 999999, config, random), 60000);  // still capped
}

TEST(DeliveryPolicyTest, ParsesHttpUrls) {
  auto url = service::ParseHttpUrl("HTTPS://LMS.Example.edu:8443/a/b?c=d");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "lms.example.edu");
  EXPECT_EQ(url->port, 8443);
  EXPECT_EQ(url->Target(), "/a/b?c=d");
  auto bare = service::ParseHttpUrl("http://[::1]");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->host, "::1");
  EXPECT_EQ(bare->Origin(), "http://[::1]:80");
  EXPECT_EQ(bare->Target(), "/");
  for (const char* bad : {"ftp://x/", "http://", "/relative", "http://user@host/",
                          "http://host:99999/", "http://host/#frag", "http://host:x/"}) {
    EXPECT_FALSE(service::ParseHttpUrl(bad).ok()) << bad;
  }
  EXPECT_TRUE(service::HostAllowed("lms.example.edu", {"LMS.example.EDU"}));
  EXPECT_FALSE(service::HostAllowed("lms.example.edu.evil", {"lms.example.edu"}));
}

}  // namespace
