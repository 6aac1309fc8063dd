#include "service/webhook_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <cstdlib>

namespace service {
namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr std::string_view kVersionPrefix = "v1,";

std::string_view Trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &size);
  return std::string(reinterpret_cast<const char*>(digest), size);
}

std::string SignedContent(std::string_view id, std::string_view timestamp, std::string_view body) {
  std::string content;
  content.reserve(id.size() + timestamp.size() + body.size() + 2);
  content.append(id).append(".").append(timestamp).append(".").append(body);
  return content;
}

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

base::StatusOr<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return base::Status::InvalidArgument("base64: length not a multiple of 4");
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '+' || c == '/';
    const bool padding =
        c == '=' && i + 2 >= text.size() && (i + 1 == text.size() || text[i + 1] == '=');
    if (!alphabet && !padding) return base::Status::InvalidArgument("base64: invalid character");
  }
  std::string out(3 * text.size() / 4, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0) return base::Status::InvalidArgument("base64: malformed");
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t size = static_cast<size_t>(written);
  if (!text.empty() && text.back() == '=') --size;
  if (text.size() >= 2 && text[text.size() - 2] == '=') --size;
  out.resize(size);
  return out;
}

base::StatusOr<std::string> DecodeWebhookSecret(std::string_view secret) {
  secret = Trim(secret);
  if (secret.substr(0, kSecretPrefix.size()) != kSecretPrefix)
    return base::Status::InvalidArgument("webhook secret must start with \"whsec_\"");
  auto key = Base64Decode(secret.substr(kSecretPrefix.size()));
  if (!key.ok()) return base::Status::InvalidArgument("webhook secret: " + key.status().message());
  if (key->empty()) return base::Status::InvalidArgument("webhook secret: empty key");
  return *std::move(key);
}

std::string SignWebhook(std::string_view key, std::string_view id, int64_t timestamp,
                        std::string_view body) {
  const std::string stamp = std::to_string(timestamp);
  return std::string(kVersionPrefix) +
         Base64Encode(HmacSha256(key, SignedContent(id, stamp, body)));
}

base::Status VerifyWebhook(const std::vector<std::string>& keys, const WebhookHeaders& headers,
                           std::string_view body, std::chrono::system_clock::time_point now,
                           std::chrono::seconds tolerance) {
  if (headers.id.empty()) return base::Status::InvalidArgument("webhook-id: missing");
  if (headers.timestamp.empty()) return base::Status::InvalidArgument("webhook-timestamp: missing");
  if (headers.signature.empty()) return base::Status::InvalidArgument("webhook-signature: missing");
  int64_t seconds = 0;
  const char* end = headers.timestamp.data() + headers.timestamp.size();
  const auto parsed = std::from_chars(headers.timestamp.data(), end, seconds);
  if (parsed.ec != std::errc() || parsed.ptr != end)
    return base::Status::InvalidArgument("webhook-timestamp: not a number of seconds");
  const int64_t now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (seconds < now_seconds - tolerance.count())
    return base::Status::InvalidArgument("webhook-timestamp: too old");
  if (seconds > now_seconds + tolerance.count())
    return base::Status::InvalidArgument("webhook-timestamp: too far in the future");

  const std::string content = SignedContent(headers.id, headers.timestamp, body);
  std::vector<std::string> expected;
  expected.reserve(keys.size());
  for (const std::string& key : keys) expected.push_back(Base64Encode(HmacSha256(key, content)));
  std::string_view rest = headers.signature;
  while (!rest.empty()) {
    const size_t space = rest.find(' ');
    const std::string_view candidate = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view() : rest.substr(space + 1);
    if (candidate.substr(0, kVersionPrefix.size()) != kVersionPrefix) continue;
    const std::string_view signature = candidate.substr(kVersionPrefix.size());
    for (const std::string& want : expected) {
      if (want.size() == signature.size() &&
          CRYPTO_memcmp(want.data(), signature.data(), want.size()) == 0)
        return base::Status::Ok();
    }
  }
  return base::Status::InvalidArgument("webhook-signature: no valid signature");
}

}  // namespace service
