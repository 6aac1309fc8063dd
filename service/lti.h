// LTI 1.3 Assignment and Grade Services, the tool's side (docs/service-outbox.md, "LTI"):
// an OAuth 2 client-credentials grant with a JWT client assertion signed RS256 by our key,
// a per-platform cache of access tokens, the score POST to {lineitem}/scores, and the JWKS that
// lets a platform verify our assertions.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "service/config.h"
#include "service/delivery_policy.h"

namespace service {

inline constexpr const char* kLtiScoreScope = "https://purl.imsglobal.org/spec/lti-ags/scope/score";
inline constexpr const char* kLtiScoreContentType = "application/vnd.ims.lis.v1.score+json";

// Base64url without padding (RFC 7515 §2).
std::string Base64UrlEncode(std::string_view bytes);

// A signed client assertion: header {alg RS256, typ JWT, kid}, claims iss = sub = client_id,
// aud = token_url, iat = now, exp = now + 300 s, jti = 32 random hex characters.
// kInvalidArgument naming the key file when its PEM is not an RSA private key.
base::StatusOr<std::string> MakeClientAssertion(const LtiPlatformConfig& platform,
                                                std::chrono::system_clock::time_point now);

// {"keys":[{"kty":"RSA","kid","use":"sig","alg":"RS256","n","e"}, ...]}: one key per platform
// (a key shared by several platforms under one kid is listed once).
base::StatusOr<std::string> JwksJson(const std::vector<LtiPlatformConfig>& platforms);

// The scores endpoint of a line item: "/scores" appended to the path, the query kept
// ("https://p/li/7?type=x" -> "https://p/li/7/scores?type=x"). kInvalidArgument unless http(s).
base::StatusOr<std::string> ScoresUrl(std::string_view lineitem);

// Posts scores for the configured platforms. Thread-safe: the token cache is shared by the
// dispatcher's threads under a mutex (a token is fetched outside it; two threads that miss
// at once may both fetch one, and the later one is kept).
class LtiClient {
 public:
  LtiClient(std::vector<LtiPlatformConfig> platforms, std::chrono::milliseconds timeout);

  // POSTs `score_json` to {lineitem}/scores for the platform whose issuer is `platform`, with a
  // cached or new access token; a 401 from the score endpoint drops the token and tries once
  // more with a new one. Outcomes follow ClassifyReply; an unknown platform or a lineitem that is
  // not http(s) is dead.
  AttemptResult PostScore(const std::string& platform, const std::string& lineitem,
                          const std::string& score_json);

  // Access tokens requested so far (all platforms): for tests and metrics.
  int64_t tokens_fetched() const;

 private:
  struct CachedToken {
    std::string access_token;
    std::chrono::steady_clock::time_point renew_at;
  };
  // A token from the cache, or from the platform's token endpoint (then cached).
  AttemptResult GetToken(const LtiPlatformConfig& platform, std::string& token);
  AttemptResult FetchToken(const LtiPlatformConfig& platform, std::string& token);
  void DropToken(const std::string& issuer, const std::string& token);

  const std::vector<LtiPlatformConfig> platforms_;
  const std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::map<std::string, CachedToken> tokens_;  // by issuer; guarded by mutex_
  int64_t tokens_fetched_ = 0;                 // guarded by mutex_
};

}  // namespace service
