// LTI 1.3 score passback against a platform double (tests/node/lti_platform.mjs) that checks our
// client assertions with the npm jose package against our JWKS, issues short-lived tokens and
// records scores. The RSA key is generated for each test.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "service/lti.h"
#include "service/outbox.h"
#include "service/webhook_signature.h"
#include "tests/outbox_test_util.h"

namespace {

using outbox_test::NodePeer;
using outbox_test::TempDataDir;
using outbox_test::WaitFinished;

constexpr char kIssuer[] = "https://canvas.example.edu";
constexpr char kClientId[] = "10000000000001";

std::string NewRsaKeyPem() {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  EXPECT_NE(key, nullptr);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

std::string ScoreJson(const std::string& user, double given) {
  return nlohmann::json{{"userId", user},
                        {"scoreGiven", given},
                        {"scoreMaximum", 10},
                        {"activityProgress", "Completed"},
                        {"gradingProgress", "FullyGraded"},
                        {"timestamp", "2026-12-02T16:30:00.123+00:00"},
                        {"comment", "7 of 10 tests passed"}}
      .dump();
}

// A platform double and the matching configuration: our key in the temp directory (mode 0600),
// its JWKS in a file the platform reads.
class LtiTest : public ::testing::Test {
 protected:
  void StartPlatform(int expires_in) {
    platform_config_.issuer = kIssuer;
    platform_config_.client_id = kClientId;
    platform_config_.key_id = "grader-2026";
    platform_config_.private_key_pem = NewRsaKeyPem();
    platform_config_.key_file = dir_.WriteSecretFile("lti.pem", platform_config_.private_key_pem);
    auto jwks = service::JwksJson({platform_config_});
    ASSERT_TRUE(jwks.ok()) << jwks.status().message();
    const std::filesystem::path jwks_file = dir_.root() / "jwks.json";
    std::ofstream(jwks_file) << *jwks;
    platform_ = NodePeer::Start(
        "lti_platform.mjs",
        {{"clientId", kClientId}, {"jwksFile", jwks_file.string()}, {"expiresIn", expires_in}});
    ASSERT_TRUE(platform_);
    platform_config_.token_url = platform_->Url("/token");
    config_.lti = {platform_config_};
    config_.delivery_initial_backoff_ms = 20;
    config_.delivery_max_backoff_ms = 100;
    config_.delivery_max_attempts = 3;
  }

  // Inserts a score row for `lineitem` and waits until the running dispatcher finishes it.
  db::OutboxRow Deliver(const std::string& lineitem, const std::string& score) {
    const int64_t id = dir_.AddRow("lti_score", lineitem, score, kIssuer);
    return WaitFinished(dir_, id);
  }

  void StartDispatcher() {
    auto dispatcher = service::OutboxDispatcher::Start(config_, {dir_.database_path(), 1}, nullptr);
    ASSERT_TRUE(dispatcher.ok()) << dispatcher.status().message();
    dispatcher_ = std::move(*dispatcher);
  }

  TempDataDir dir_;
  service::LtiPlatformConfig platform_config_;
  service::ServiceConfig config_;
  std::unique_ptr<NodePeer> platform_;
  std::unique_ptr<service::OutboxDispatcher> dispatcher_;
};

TEST_F(LtiTest, AssertionAcceptedAndScoreRecordedWithItsExactFields) {
  StartPlatform(3600);
  StartDispatcher();
  const std::string score = ScoreJson("learner-sub-1", 7);
  const db::OutboxRow row = Deliver(platform_->Url("/lineitems/42?type=grade"), score);
  EXPECT_EQ(row.status, "delivered") << row.last_error;
  const nlohmann::json seen = platform_->Get("/scores");
  ASSERT_EQ(seen["tokenRequests"].size(), 1u) << seen.dump();
  EXPECT_TRUE(seen["tokenRequests"][0]["ok"].get<bool>()) << seen.dump();
  ASSERT_EQ(seen["scores"].size(), 1u) << seen.dump();
  EXPECT_EQ(seen["scores"][0]["lineitem"], "42");
  EXPECT_EQ(seen["scores"][0]["query"], "?type=grade");
  EXPECT_EQ(seen["scores"][0]["contentType"], "application/vnd.ims.lis.v1.score+json");
  EXPECT_EQ(seen["scores"][0]["score"], nlohmann::json::parse(score));
}

TEST_F(LtiTest, TokenIsCachedAcrossScores) {
  StartPlatform(3600);
  StartDispatcher();
  EXPECT_EQ(Deliver(platform_->Url("/lineitems/1"), ScoreJson("a", 1)).status, "delivered");
  EXPECT_EQ(Deliver(platform_->Url("/lineitems/1"), ScoreJson("b", 2)).status, "delivered");
  const nlohmann::json seen = platform_->Get("/scores");
  EXPECT_EQ(seen["scores"].size(), 2u);
  EXPECT_EQ(seen["tokensIssued"], 1);
  EXPECT_EQ(seen["scores"][0]["token"], seen["scores"][1]["token"]);
}

TEST_F(LtiTest, AnExpiredTokenIsRenewed) {
  StartPlatform(1);  // a one-second token
  StartDispatcher();
  EXPECT_EQ(Deliver(platform_->Url("/lineitems/1"), ScoreJson("a", 1)).status, "delivered");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(Deliver(platform_->Url("/lineitems/1"), ScoreJson("a", 2)).status, "delivered");
  const nlohmann::json seen = platform_->Get("/scores");
  EXPECT_EQ(seen["scores"].size(), 2u) << seen.dump();
  EXPECT_EQ(seen["tokensIssued"], 2);
  for (const nlohmann::json& request : seen["tokenRequests"]) EXPECT_TRUE(request["ok"]);
}

TEST_F(LtiTest, A401RefreshesTheTokenOnceAndSucceeds) {
  StartPlatform(3600);
  StartDispatcher();
  EXPECT_EQ(Deliver(platform_->Url("/lineitems/1"), ScoreJson("a", 1)).status, "delivered");
  platform_->Post("/control", {{"fail401Once", true}});
  const db::OutboxRow row = Deliver(platform_->Url("/lineitems/1"), ScoreJson("a", 2));
  EXPECT_EQ(row.status, "delivered") << row.last_error;
  EXPECT_EQ(row.attempts, 1);
  const nlohmann::json seen = platform_->Get("/scores");
  EXPECT_EQ(seen["scores"].size(), 2u);
  EXPECT_EQ(seen["tokensIssued"], 2);
  EXPECT_NE(seen["scores"][0]["token"], seen["scores"][1]["token"]);
}

TEST_F(LtiTest, AnAssertionUnderAnotherKeyIsRefusedAndTheScoreDies) {
  StartPlatform(3600);
  config_.lti[0].private_key_pem = NewRsaKeyPem();  // not the key of the JWKS
  StartDispatcher();
  const db::OutboxRow row = Deliver(platform_->Url("/lineitems/1"), ScoreJson("a", 1));
  EXPECT_EQ(row.status, "dead");
  EXPECT_EQ(row.last_error, "token request: HTTP 401");
  const nlohmann::json seen = platform_->Get("/scores");
  EXPECT_EQ(seen["scores"].size(), 0u);
  ASSERT_EQ(seen["tokenRequests"].size(), 1u);
  EXPECT_FALSE(seen["tokenRequests"][0]["ok"].get<bool>());
}

TEST_F(LtiTest, AnUnknownPlatformIsADeadLetter) {
  StartPlatform(3600);
  StartDispatcher();
  const int64_t id = dir_.AddRow("lti_score", platform_->Url("/lineitems/1"), ScoreJson("a", 1),
                                 "https://other.example.edu");
  const db::OutboxRow row = WaitFinished(dir_, id);
  EXPECT_EQ(row.status, "dead");
  EXPECT_EQ(row.last_error, "no [[lti]] platform with issuer 'https://other.example.edu'");
}

TEST(LtiFormatTest, ScoresUrlAppendsToThePathAndKeepsTheQuery) {
  EXPECT_EQ(*service::ScoresUrl("https://lms.example.edu/2344/lineitems/1234/lineitem"),
            "https://lms.example.edu/2344/lineitems/1234/lineitem/scores");
  EXPECT_EQ(*service::ScoresUrl("https://lms.example.edu/li/7?type=x&y=1"),
            "https://lms.example.edu/li/7/scores?type=x&y=1");
  EXPECT_EQ(*service::ScoresUrl("http://127.0.0.1:9001/li/"), "http://127.0.0.1:9001/li/scores");
  EXPECT_FALSE(service::ScoresUrl("javascript:alert(1)").ok());
}

// The JWKS's modulus and exponent are the PEM key's, as `openssl rsa` reads them.
TEST(LtiFormatTest, JwksMatchesThePemKey) {
  TempDataDir dir;
  service::LtiPlatformConfig platform;
  platform.key_id = "k1";
  platform.private_key_pem = NewRsaKeyPem();
  platform.key_file = dir.WriteSecretFile("key.pem", platform.private_key_pem);
  auto jwks = service::JwksJson({platform, platform});  // one kid: listed once
  ASSERT_TRUE(jwks.ok()) << jwks.status().message();
  const nlohmann::json keys = nlohmann::json::parse(*jwks)["keys"];
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(keys[0]["kty"], "RSA");
  EXPECT_EQ(keys[0]["kid"], "k1");
  EXPECT_EQ(keys[0]["use"], "sig");
  EXPECT_EQ(keys[0]["alg"], "RS256");
  EXPECT_EQ(keys[0]["e"], "AQAB");
  const outbox_test::Output modulus = outbox_test::RunCommand(
      {"openssl", "rsa", "-in", platform.key_file.string(), "-noout", "-modulus"});
  ASSERT_EQ(modulus.exit_code, 0);
  std::string n = keys[0]["n"].get<std::string>();
  for (char& c : n) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (n.size() % 4 != 0) n += '=';
  auto bytes = service::Base64Decode(n);
  ASSERT_TRUE(bytes.ok());
  std::string hex;
  for (unsigned char c : *bytes) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    hex += kHex[c >> 4];
    hex += kHex[c & 15];
  }
  EXPECT_EQ(modulus.out, "Modulus=" + hex + "\n");
  EXPECT_EQ((*bytes)[0] & 0x80, 0x80);  // no leading zero byte: exactly 2048 bits
}

TEST(LtiFormatTest, ANonRsaKeyIsRefusedNamingTheFile) {
  service::LtiPlatformConfig platform;
  platform.key_file = "/keys/ec.pem";
  platform.private_key_pem = "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n";
  auto jwks = service::JwksJson({platform});
  ASSERT_FALSE(jwks.ok());
  EXPECT_EQ(jwks.status().message(), "/keys/ec.pem: not a PEM private key");
}

}  // namespace
