// One outbound HTTP POST of the outbox (callbacks, LTI tokens and scores), with cpp-httplib:
// http, or https when the URL says so (server certificates verified against the system's CAs).
// Every call opens its own connection; the functions are thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace service {

// An absolute http(s) URL, split for the client.
struct HttpUrl {
  std::string scheme;          // "http" | "https"
  std::string host;            // lower case; an IPv6 literal without its brackets
  int port = 0;                // the scheme's default when the URL names none
  std::string path;            // "/" when empty; percent-escapes kept as they are
  std::string query;           // after '?', without it; "" when none
  std::string Origin() const;  // "scheme://host:port" (IPv6 in brackets)
  std::string Target() const;  // path, plus "?query" when there is one
};

// kInvalidArgument naming `url` when it is not an absolute http(s) URL with a host (a userinfo
// part or a fragment is refused too).
base::StatusOr<HttpUrl> ParseHttpUrl(std::string_view url);

// What came back: a status, or a network error (status 0: refused, reset, timed out, TLS).
struct HttpReply {
  int status = 0;
  std::string error;        // when status == 0: httplib's reason
  std::string body;         // at most the first 64 KiB
  std::string retry_after;  // the Retry-After header, when present
};

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// POSTs `body` with `content_type` and `headers`; connect, read and write each time out after
// `timeout`. Redirects are not followed (a 3xx is a reply like any other).
HttpReply PostHttp(const HttpUrl& url, const HttpHeaders& headers, const std::string& body,
                   const std::string& content_type, std::chrono::milliseconds timeout);

}  // namespace service
