// LTI 1.3 AGS score posting (service/lti.h): token grant, token cache, score POST.
#include "service/lti.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "service/http_post.h"

namespace service {
namespace {

// A token is renewed this long before the platform says it expires: a tenth of its lifetime,
// at most 30 s, so that a request never leaves with a token about to lapse.
std::chrono::milliseconds RenewalMargin(int64_t expires_in_seconds) {
  return std::min<std::chrono::milliseconds>(std::chrono::seconds(30),
                                             std::chrono::milliseconds(expires_in_seconds * 100));
}

// application/x-www-form-urlencoded escaping of one value.
std::string FormEscape(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string escaped;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      escaped += static_cast<char>(c);
    } else {
      escaped += '%';
      escaped += kHex[c >> 4];
      escaped += kHex[c & 15];
    }
  }
  return escaped;
}

AttemptResult Dead(std::string error) {
  AttemptResult result;
  result.outcome = DeliveryOutcome::kDead;
  result.error = std::move(error);
  return result;
}

}  // namespace

base::StatusOr<std::string> ScoresUrl(std::string_view lineitem) {
  base::StatusOr<HttpUrl> url = ParseHttpUrl(lineitem);
  if (!url.ok()) return url.status();
  std::string path = url->path;
  if (!path.empty() && path.back() == '/') path.pop_back();
  HttpUrl scores = *url;
  scores.path = path + "/scores";
  const size_t authority_end = lineitem.find("://") + 3;
  const std::string_view authority =
      lineitem.substr(0, std::min(lineitem.find_first_of("/?", authority_end), lineitem.size()));
  return std::string(authority) + scores.Target();
}

LtiClient::LtiClient(std::vector<LtiPlatformConfig> platforms, std::chrono::milliseconds timeout)
    : platforms_(std::move(platforms)), timeout_(timeout) {}

int64_t LtiClient::tokens_fetched() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return tokens_fetched_;
}

AttemptResult LtiClient::FetchToken(const LtiPlatformConfig& platform, std::string& token) {
  base::StatusOr<HttpUrl> token_url = ParseHttpUrl(platform.token_url);
  if (!token_url.ok()) return Dead("token_url: " + token_url.status().message());
  base::StatusOr<std::string> assertion =
      MakeClientAssertion(platform, std::chrono::system_clock::now());
  if (!assertion.ok()) return Dead(assertion.status().message());
  const std::string form = "grant_type=client_credentials&client_assertion_type=" +
                           FormEscape("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
                           "&client_assertion=" + FormEscape(*assertion) +
                           "&scope=" + FormEscape(kLtiScoreScope);
  const HttpReply reply = PostHttp(*token_url, {{"Accept", "application/json"}}, form,
                                   "application/x-www-form-urlencoded", timeout_);
  AttemptResult result = ClassifyReply(reply);
  if (result.outcome != DeliveryOutcome::kDelivered) {
    result.error = "token request: " + result.error;
    return result;
  }
  const nlohmann::json answer = nlohmann::json::parse(reply.body, nullptr, false);
  if (!answer.is_object() || !answer.contains("access_token") ||
      !answer["access_token"].is_string() || answer["access_token"].get<std::string>().empty()) {
    return Dead("token request: the answer has no access_token");
  }
  token = answer["access_token"].get<std::string>();
  const int64_t expires_in = answer.contains("expires_in") && answer["expires_in"].is_number()
                                 ? answer["expires_in"].get<int64_t>()
                                 : 0;  // no lifetime: use it for this request only
  std::lock_guard<std::mutex> lock(mutex_);
  ++tokens_fetched_;
  if (expires_in > 0) {
    tokens_[platform.issuer] = {token, std::chrono::steady_clock::now() +
                                           std::chrono::seconds(expires_in) -
                                           RenewalMargin(expires_in)};
  }
  return result;
}

AttemptResult LtiClient::GetToken(const LtiPlatformConfig& platform, std::string& token) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto cached = tokens_.find(platform.issuer);
    if (cached != tokens_.end() && std::chrono::steady_clock::now() < cached->second.renew_at) {
      token = cached->second.access_token;
      AttemptResult result;
      result.outcome = DeliveryOutcome::kDelivered;
      return result;
    }
  }
  return FetchToken(platform, token);
}

void LtiClient::DropToken(const std::string& issuer, const std::string& token) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto cached = tokens_.find(issuer);
  if (cached != tokens_.end() && cached->second.access_token == token) tokens_.erase(cached);
}

AttemptResult LtiClient::PostScore(const std::string& platform, const std::string& lineitem,
                                   const std::string& score_json) {
  auto config = std::find_if(platforms_.begin(), platforms_.end(),
                             [&](const LtiPlatformConfig& p) { return p.issuer == platform; });
  if (config == platforms_.end()) return Dead("no [[lti]] platform with issuer '" + platform + "'");
  base::StatusOr<std::string> scores = ScoresUrl(lineitem);
  if (!scores.ok()) return Dead("lineitem: " + scores.status().message());
  base::StatusOr<HttpUrl> scores_url = ParseHttpUrl(*scores);
  if (!scores_url.ok()) return Dead("lineitem: " + scores_url.status().message());

  AttemptResult result;
  for (int round = 0; round < 2; ++round) {
    std::string token;
    result = GetToken(*config, token);
    if (result.outcome != DeliveryOutcome::kDelivered) return result;
    const HttpReply reply = PostHttp(*scores_url, {{"Authorization", "Bearer " + token}},
                                     score_json, kLtiScoreContentType, timeout_);
    result = ClassifyReply(reply);
    if (reply.status != 401) break;
    // The platform revoked or no longer knows the token: one retry with a fresh one.
    DropToken(config->issuer, token);
  }
  if (result.outcome != DeliveryOutcome::kDelivered) result.error = "score: " + result.error;
  return result;
}

}  // namespace service
