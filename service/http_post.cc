// Outbound POSTs (service/http_post.h).
#include "service/http_post.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace service {
namespace {

constexpr size_t kMaxReplyBodyBytes = 64 * 1024;

std::string Lower(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

base::Status Bad(std::string_view url, const std::string& why) {
  return base::Status::InvalidArgument("URL '" + std::string(url) + "': " + why);
}

}  // namespace

std::string HttpUrl::Origin() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return scheme + "://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string HttpUrl::Target() const { return query.empty() ? path : path + "?" + query; }

base::StatusOr<HttpUrl> ParseHttpUrl(std::string_view url) {
  HttpUrl parsed;
  const size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return Bad(url, "not an absolute URL");
  parsed.scheme = Lower(url.substr(0, scheme_end));
  if (parsed.scheme != "http" && parsed.scheme != "https") {
    return Bad(url, "scheme must be http or https");
  }
  if (url.find('#') != std::string_view::npos) return Bad(url, "a fragment is not allowed");
  std::string_view rest = url.substr(scheme_end + 3);
  const size_t authority_end = std::min(rest.find_first_of("/?"), rest.size());
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view tail = rest.substr(authority_end);
  if (authority.find('@') != std::string_view::npos) return Bad(url, "userinfo is not allowed");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return Bad(url, "unclosed IPv6 literal");
    parsed.host = Lower(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') return Bad(url, "bad port");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const size_t colon = authority.find(':');
    parsed.host = Lower(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (parsed.host.empty()) return Bad(url, "no host");
  parsed.port = parsed.scheme == "https" ? 443 : 80;
  if (!port_text.empty()) {
    if (port_text.size() > 5 || !std::all_of(port_text.begin(), port_text.end(),
                                             [](char c) { return c >= '0' && c <= '9'; })) {
      return Bad(url, "bad port");
    }
    parsed.port = std::stoi(std::string(port_text));
    if (parsed.port < 1 || parsed.port > 65535) return Bad(url, "bad port");
  }
  const size_t question = tail.find('?');
  parsed.path = std::string(tail.substr(0, question));
  if (parsed.path.empty()) parsed.path.push_back('/');  // (GCC 12 misreads = "/": -Wrestrict)
  if (question != std::string_view::npos) parsed.query = std::string(tail.substr(question + 1));
  return parsed;
}

HttpReply PostHttp(const HttpUrl& url, const HttpHeaders& headers, const std::string& body,
                   const std::string& content_type, std::chrono::milliseconds timeout) {
  httplib::Client client(url.Origin());
  client.set_connection_timeout(timeout);
  client.set_read_timeout(timeout);
  client.set_write_timeout(timeout);
  client.set_follow_location(false);
  client.set_keep_alive(false);
  if (url.scheme == "https") client.enable_server_certificate_verification(true);
  httplib::Headers request_headers;
  for (const auto& [name, value] : headers) request_headers.emplace(name, value);
  HttpReply reply;
  httplib::Result result = client.Post(url.Target(), request_headers, body, content_type);
  if (!result) {
    reply.error = httplib::to_string(result.error());
    return reply;
  }
  reply.status = result->status;
  reply.body = result->body.substr(0, kMaxReplyBodyBytes);
  reply.retry_after = result->get_header_value("Retry-After");
  return reply;
}

}  // namespace service
