// Standard Webhooks signing and verification (service/webhook_signature.h).
#include "service/webhook_signature.h"

#include <gtest/gtest.h>

namespace service {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

// The example of the Standard Webhooks specification's reference libraries.
constexpr const char* kSpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr const char* kSpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
constexpr int64_t kSpecTimestamp = 1614265330;
constexpr const char* kSpecBody = R"({"test": 2432232314})";
constexpr const char* kSpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

system_clock::time_point At(int64_t unix_seconds) {
  return system_clock::time_point(seconds(unix_seconds));
}

std::string SpecKey() { return *DecodeWebhookSecret(kSpecSecret); }

WebhookHeaders SpecHeaders(std::string signature = kSpecSignature) {
  return {kSpecId, std::to_string(kSpecTimestamp), std::move(signature)};
}

TEST(WebhookSignatureTest, SignsTheSpecificationExample) {
  EXPECT_EQ(SignWebhook(SpecKey(), kSpecId, kSpecTimestamp, kSpecBody), kSpecSignature);
}

TEST(WebhookSignatureTest, AcceptsTheSpecificationExampleWithinFiveMinutes) {
  EXPECT_TRUE(VerifyWebhook({SpecKey()}, SpecHeaders(), kSpecBody, At(kSpecTimestamp)).ok());
  EXPECT_TRUE(VerifyWebhook({SpecKey()}, SpecHeaders(), kSpecBody, At(kSpecTimestamp + 299)).ok());
  EXPECT_TRUE(VerifyWebhook({SpecKey()}, SpecHeaders(), kSpecBody, At(kSpecTimestamp - 299)).ok());
}

TEST(WebhookSignatureTest, RefusesTamperedBodyIdAndTimestamp) {
  const auto now = At(kSpecTimestamp);
  EXPECT_FALSE(VerifyWebhook({SpecKey()}, SpecHeaders(), R"({"test": 2432232315})", now).ok());
  WebhookHeaders other_id = SpecHeaders();
  other_id.id = "msg_other";
  EXPECT_FALSE(VerifyWebhook({SpecKey()}, other_id, kSpecBody, now).ok());
  WebhookHeaders other_time = SpecHeaders();
  other_time.timestamp = std::to_string(kSpecTimestamp + 1);
  const base::Status status = VerifyWebhook({SpecKey()}, other_time, kSpecBody, At(kSpecTimestamp));
  EXPECT_EQ(status.message(), "webhook-signature: no valid signature");
}

TEST(WebhookSignatureTest, RefusesStaleAndFutureTimestampsNamingTheHeader) {
  const base::Status old =
      VerifyWebhook({SpecKey()}, SpecHeaders(), kSpecBody, At(kSpecTimestamp + 301));
  EXPECT_EQ(old.message(), "webhook-timestamp: too old");
  const base::Status future =
      VerifyWebhook({SpecKey()}, SpecHeaders(), kSpecBody, At(kSpecTimestamp - 301));
  EXPECT_EQ(future.message(), "webhook-timestamp: too far in the future");
  WebhookHeaders garbage = SpecHeaders();
  garbage.timestamp = "1614265330.5";
  EXPECT_FALSE(VerifyWebhook({SpecKey()}, garbage, kSpecBody, At(kSpecTimestamp)).ok());
}

TEST(WebhookSignatureTest, RefusesAWrongSecretAndMissingHeaders) {
  const std::string wrong = *DecodeWebhookSecret("whsec_" + Base64Encode("another key"));
  EXPECT_FALSE(VerifyWebhook({wrong}, SpecHeaders(), kSpecBody, At(kSpecTimestamp)).ok());
  EXPECT_EQ(VerifyWebhook({SpecKey()}, {"", "1", "v1,x"}, kSpecBody, At(1)).message(),
            "webhook-id: missing");
  EXPECT_EQ(VerifyWebhook({SpecKey()}, SpecHeaders(""), kSpecBody, At(kSpecTimestamp)).message(),
            "webhook-signature: missing");
}

TEST(WebhookSignatureTest, AnyOneSignatureUnderAnyKeyAcceptsForRotation) {
  const std::string old_key = "old key bytes";
  const std::string both = "v1,bm90IGEgc2lnbmF0dXJl " + std::string(kSpecSignature);
  EXPECT_TRUE(VerifyWebhook({SpecKey()}, SpecHeaders(both), kSpecBody, At(kSpecTimestamp)).ok());
  // The verifier holds the new and the old key while senders switch.
  const std::string signed_old = SignWebhook(old_key, kSpecId, kSpecTimestamp, kSpecBody);
  EXPECT_TRUE(
      VerifyWebhook({SpecKey(), old_key}, SpecHeaders(signed_old), kSpecBody, At(kSpecTimestamp))
          .ok());
  EXPECT_FALSE(
      VerifyWebhook({SpecKey()}, SpecHeaders(signed_old), kSpecBody, At(kSpecTimestamp)).ok());
  // Another scheme's version prefix never matches.
  const std::string v2 = "v2," + std::string(kSpecSignature).substr(3);
  EXPECT_FALSE(VerifyWebhook({SpecKey()}, SpecHeaders(v2), kSpecBody, At(kSpecTimestamp)).ok());
}

TEST(WebhookSignatureTest, SecretsAndBase64AreCheckedStrictly) {
  EXPECT_FALSE(DecodeWebhookSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").ok());
  EXPECT_FALSE(DecodeWebhookSecret("whsec_not*base64").ok());
  EXPECT_FALSE(DecodeWebhookSecret("whsec_").ok());
  EXPECT_TRUE(DecodeWebhookSecret("  whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\n").ok());
  for (const std::string bytes : {"", "a", "ab", "abc", "abcd", "\xff\x00\x01"}) {
    const auto round = Base64Decode(Base64Encode(bytes));
    ASSERT_TRUE(round.ok());
    EXPECT_EQ(*round, bytes);
  }
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_FALSE(Base64Decode("YW=I").ok());
  EXPECT_FALSE(Base64Decode("YWI").ok());
}

}  // namespace
}  // namespace service
