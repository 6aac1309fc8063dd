// The operator's commands, run as build/grader: `grader outbox list|retry|deliver` over a data
// directory, against the callback receiver in Node (tests/node/callback_receiver.mjs), and
// `grader lti jwks`. The configuration files carry every key the service requires, mode 0600.
#include <gtest/gtest.h>

#include <fstream>

#include "service/lti.h"
#include "service/outbox.h"
#include "service/webhook_signature.h"
#include "tests/outbox_test_util.h"

namespace {

using outbox_test::NodePeer;
using outbox_test::Output;
using outbox_test::RunCommand;
using outbox_test::TempDataDir;
using outbox_test::WaitFinished;

constexpr char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

Output Grader(const TempDataDir& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {GRADER_BINARY, "--data-dir", dir.root().string()});
  return RunCommand(args, /*with_stderr=*/true);
}

// A service configuration in `dir` (its secrets beside it), with `extra` appended.
std::string WriteConfig(const TempDataDir& dir, const std::string& extra) {
  dir.WriteSecretFile("intake.secret", std::string(kSecret) + "\n");
  dir.WriteSecretFile("callback.secret", std::string(kSecret) + "\n");
  dir.WriteSecretFile("api.token", "test-token-0123456789abcdef\n");
  const std::string text =
      "listen = \"127.0.0.1:0\"\n"
      "webhook_secret_file = \"intake.secret\"\n"
      "callback_secret_file = \"callback.secret\"\n"
      "api_token_file = \"api.token\"\n"
      "callback_allow_hosts = [\"127.0.0.1\"]\n"
      "delivery_initial_backoff_ms = 20\n"
      "delivery_max_backoff_ms = 100\n" +
      extra;
  return dir.WriteSecretFile("service.toml", text).string();
}

TEST(OutboxCommandTest, RetryBringsADeadLetterBackAndDeliverSendsIt) {
  TempDataDir dir;
  auto receiver = NodePeer::Start("callback_receiver.mjs", {{"secret", kSecret}});
  ASSERT_TRUE(receiver);
  const std::string payload = R"({"type":"submission.graded","submission_id":1})";
  const int64_t id = dir.AddRow("callback", receiver->Url("/hook"), payload);
  ASSERT_TRUE(db::MarkOutboxDead(dir.store().connection(), id, 8, "gave up").ok());

  const Output dead = Grader(dir, {"outbox", "list", "--dead", "--json"});
  ASSERT_EQ(dead.exit_code, 0) << dead.out;
  const nlohmann::json rows = nlohmann::json::parse(dead.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["id"], id);
  EXPECT_EQ(rows[0]["status"], "dead");
  EXPECT_EQ(rows[0]["payload"], nlohmann::json::parse(payload));

  const Output unknown = Grader(dir, {"outbox", "retry", "999"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.out, "grader: no outbox row 999\n");
  const Output retried = Grader(dir, {"outbox", "retry", std::to_string(id)});
  ASSERT_EQ(retried.exit_code, 0) << retried.out;
  EXPECT_EQ(dir.Row(id).status, "pending");
  EXPECT_EQ(dir.Row(id).attempts, 0);

  const Output delivered =
      Grader(dir, {"outbox", "deliver", "--config", WriteConfig(dir, ""), "--until-idle"});
  ASSERT_EQ(delivered.exit_code, 0) << delivered.out;
  EXPECT_EQ(delivered.out, "outbox: 1 delivered, 0 dead, 0 retries\n");
  const db::OutboxRow row = dir.Row(id);
  EXPECT_EQ(row.status, "delivered");
  EXPECT_EQ(row.attempts, 1);
  const nlohmann::json seen = receiver->Get("/deliveries");
  ASSERT_EQ(seen["deliveries"].size(), 1u);
  EXPECT_TRUE(seen["attempts"][0]["verified"].get<bool>());
  EXPECT_EQ(seen["deliveries"][0]["webhookId"], row.delivery_id);

  const Output list = Grader(dir, {"outbox", "list"});
  EXPECT_EQ(list.exit_code, 0);
  EXPECT_NE(list.out.find(std::to_string(id) + "  callback  delivered  attempts 1"),
            std::string::npos)
      << list.out;
  const Output again = Grader(dir, {"outbox", "retry", std::to_string(id)});
  EXPECT_EQ(again.exit_code, 2);  // delivered rows stay delivered
}

TEST(OutboxCommandTest, LtiJwksPrintsTheConfiguredKeys) {
  TempDataDir dir;
  const Output key =
      RunCommand({"openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                  "-out", (dir.root() / "lti.pem").string()});
  ASSERT_EQ(key.exit_code, 0);
  std::filesystem::permissions(dir.root() / "lti.pem", std::filesystem::perms::owner_read |
                                                           std::filesystem::perms::owner_write);
  const std::string config = WriteConfig(dir,
                                         "[[lti]]\n"
                                         "issuer = \"https://canvas.example.edu\"\n"
                                         "client_id = \"10000000000001\"\n"
                                         "token_url = \"http://127.0.0.1:9/token\"\n"
                                         "key_file = \"lti.pem\"\n"
                                         "key_id = \"grader-2026\"\n");
  const Output jwks = Grader(dir, {"lti", "jwks", "--config", config});
  ASSERT_EQ(jwks.exit_code, 0) << jwks.out;
  service::LtiPlatformConfig platform;
  platform.key_id = "grader-2026";
  std::ifstream pem(dir.root() / "lti.pem");
  platform.private_key_pem.assign(std::istreambuf_iterator<char>(pem), {});
  EXPECT_EQ(nlohmann::json::parse(jwks.out), nlohmann::json::parse(*service::JwksJson({platform})));
  EXPECT_EQ(nlohmann::json::parse(jwks.out)["keys"][0]["kid"], "grader-2026");
}

}  // namespace
