// Standard Webhooks (https://www.standardwebhooks.com/): the signature scheme of the service's
// intake (POST /v1/submissions) and of its outbound callbacks.
//
// A secret is "whsec_" + base64 of the key bytes. A message is signed as
//   webhook-signature: v1,<base64 of HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>
// and the header may carry several space-separated signatures (key rotation): any one valid
// signature, under any of the verifier's secrets, accepts. Comparison is constant-time;
// a timestamp more than `tolerance` away from now, in either direction, is refused.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace service {

// The key bytes of a "whsec_..." secret (surrounding whitespace ignored, as in a secret file).
// kInvalidArgument when the prefix is missing, the base64 is malformed or the key is empty.
base::StatusOr<std::string> DecodeWebhookSecret(std::string_view secret);

// "v1,<base64>" for one key over id.timestamp.body.
std::string SignWebhook(std::string_view key, std::string_view id, int64_t timestamp,
                        std::string_view body);

struct WebhookHeaders {
  std::string id;         // webhook-id
  std::string timestamp;  // webhook-timestamp: seconds since the epoch, decimal
  std::string signature;  // webhook-signature
};

// Ok when a signature in headers.signature is valid for one of `keys` and the timestamp is
// within `tolerance` of `now`. Otherwise kInvalidArgument with a one-line reason that names the
// header ("webhook-signature: no valid signature", "webhook-timestamp: too old"), never with
// the expected signature.
base::Status VerifyWebhook(const std::vector<std::string>& keys, const WebhookHeaders& headers,
                           std::string_view body, std::chrono::system_clock::time_point now,
                           std::chrono::seconds tolerance = std::chrono::minutes(5));

// Base64 (standard alphabet, padded), shared by the service's formats. Decode refuses
// characters outside the alphabet and bad padding (kInvalidArgument).
std::string Base64Encode(std::string_view bytes);
base::StatusOr<std::string> Base64Decode(std::string_view text);

}  // namespace service
