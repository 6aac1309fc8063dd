#include "service/intake.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "grader/grade.h"
#include "grader/learner_name.h"
#include "service/webhook_signature.h"

namespace service {
namespace {

IntakeError Error(int status, std::string message) { return {status, std::move(message)}; }

// "http" or "https" and the host of an absolute URL; empty host when it is not one.
std::pair<std::string, std::string> SchemeAndHost(const std::string& url) {
  const size_t colon = url.find("://");
  if (colon == std::string::npos) return {};
  std::string scheme = url.substr(0, colon);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string authority = url.substr(colon + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string::npos) return {scheme, ""};  // no userinfo
  std::string host = authority;
  if (!host.empty() && host.front() == '[') {
    host = host.substr(1, host.find(']') - 1);
  } else {
    host = host.substr(0, host.find(':'));
  }
  for (char& c : host) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return {scheme, host};
}

}  // namespace

ParsedIntake ParseIntake(const ServiceConfig& config, const IntakeRequest& request,
                         std::chrono::system_clock::time_point now) {
  ParsedIntake parsed;
  // Media types are case-insensitive; parameters (charset) are allowed.
  std::string type = request.content_type.substr(0, request.content_type.find(';'));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  for (char& c : type) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (type != "application/json") {
    parsed.error = Error(415, "Content-Type must be application/json");
    return parsed;
  }
  const WebhookHeaders headers{request.webhook_id, request.webhook_timestamp,
                               request.webhook_signature};
  if (request.webhook_id.empty()) {
    parsed.error = Error(401, "webhook-id: missing");
    return parsed;
  }
  if (base::Status s = VerifyWebhook(config.webhook_keys, headers, request.body, now); !s.ok()) {
    parsed.error = Error(401, s.message());
    return parsed;
  }
  const nlohmann::json doc = nlohmann::json::parse(request.body, nullptr, false);
  if (doc.is_discarded()) {
    parsed.error = Error(400, "body: not valid JSON");
    return parsed;
  }
  if (!doc.is_object()) {
    parsed.error = Error(400, "body: must be a JSON object");
    return parsed;
  }
  db::NewJob& job = parsed.job;
  job.webhook_id = request.webhook_id;
  for (const auto& [field, out] : {std::pair<const char*, std::string*>{"problem", &job.problem_id},
                                   {"learner", &job.learner},
                                   {"source", &job.source}}) {
    if (!doc.contains(field)) {
      parsed.error = Error(400, std::string(field) + ": missing");
      return parsed;
    }
    if (!doc[field].is_string()) {
      parsed.error = Error(400, std::string(field) + ": must be a string");
      return parsed;
    }
    *out = doc[field].get<std::string>();
  }
  if (doc.contains("callback_url") && !doc["callback_url"].is_null()) {
    if (!doc["callback_url"].is_string()) {
      parsed.error = Error(400, "callback_url: must be a string");
      return parsed;
    }
    job.callback_url = doc["callback_url"].get<std::string>();
  }
  if (doc.contains("lti") && !doc["lti"].is_null()) {
    const nlohmann::json& lti = doc["lti"];
    if (!lti.is_object()) {
      parsed.error = Error(400, "lti: must be an object");
      return parsed;
    }
    for (const char* field : {"platform", "lineitem", "user_id"}) {
      if (!lti.contains(field) || !lti[field].is_string()) {
        parsed.error = Error(400, std::string("lti.") + field + ": must be a string");
        return parsed;
      }
    }
    job.lti = lti.dump();
  }
  if (doc.contains("metadata") && !doc["metadata"].is_null()) {
    if (!doc["metadata"].is_object()) {
      parsed.error = Error(400, "metadata: must be an object");
      return parsed;
    }
    job.metadata = doc["metadata"].dump();
  }
  return parsed;
}

std::optional<IntakeError> CheckJobContent(const ServiceConfig& config,
                                           const std::set<std::string>& problems,
                                           const db::NewJob& job) {
  if (!problems.count(job.problem_id)) {
    return Error(422, "problem: unknown problem \"" + job.problem_id + "\"");
  }
  if (base::Status s = grader::ValidateLearnerName(job.learner); !s.ok()) {
    return Error(422, "learner: " + s.message());
  }
  if (base::Status s = grader::ValidateSource(job.source); !s.ok()) {
    return Error(422, "source: " + s.message());
  }
  if (job.callback_url) {
    const auto [scheme, host] = SchemeAndHost(*job.callback_url);
    if (scheme != "http" && scheme != "https") {
      return Error(422, "callback_url: must be an http or https URL");
    }
    bool allowed = false;
    for (const std::string& h : config.callback_allow_hosts) allowed = allowed || h == host;
    if (host.empty() || !allowed) {
      return Error(422, "callback_url: host \"" + host + "\" is not in callback_allow_hosts");
    }
    if (config.callback_keys.empty()) {
      return Error(422, "callback_url: this service has no callback_secret_file to sign with");
    }
  }
  if (job.lti) {
    const nlohmann::json lti = nlohmann::json::parse(*job.lti);
    const std::string platform = lti["platform"].get<std::string>();
    bool known = false;
    for (const LtiPlatformConfig& p : config.lti) known = known || p.issuer == platform;
    if (!known) return Error(422, "lti.platform: \"" + platform + "\" is not a configured issuer");
  }
  return std::nullopt;
}

}  // namespace service
