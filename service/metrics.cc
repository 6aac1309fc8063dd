#include "service/metrics.h"

#include <cstdio>
#include <sstream>
#include <vector>

#include "db/service_jobs.h"

namespace service {
namespace {

// Buckets of grading time, in seconds: a cache hit is milliseconds, a compile a few seconds.
const std::vector<double> kBucketSeconds = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

std::string Number(double x) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", x);
  return text;
}

}  // namespace

void Metrics::CountRequest(std::string_view route, int code) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{std::string(route), code}];
}

void Metrics::CountDelivery(std::string_view kind, std::string_view outcome) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++deliveries_[{std::string(kind), std::string(outcome)}];
}

std::string RouteLabel(std::string_view method, std::string_view path) {
  const std::string m(method);
  if (path == "/v1/submissions") return m + " /v1/submissions";
  if (path.starts_with("/v1/submissions/")) return m + " /v1/submissions/{id}";
  if (path.starts_with("/v1/learners/")) {
    return m + (path.ends_with("/recommendations") ? " /v1/learners/{name}/recommendations"
                                                   : " /v1/learners/{name}");
  }
  for (std::string_view known : {"/healthz", "/readyz", "/metrics", "/.well-known/jwks.json"}) {
    if (path == known) return m + " " + std::string(known);
  }
  return m + " other";
}

std::string Metrics::Render(db::Store& store) {
  std::ostringstream out;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    out << "# HELP grader_http_requests_total HTTP requests by route and status code.\n"
        << "# TYPE grader_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      out << "grader_http_requests_total{route=\"" << key.first << "\",code=\"" << key.second
          << "\"} " << count << "\n";
    }
    out << "# HELP grader_deliveries_total Outbox delivery attempts by kind and outcome.\n"
        << "# TYPE grader_deliveries_total counter\n";
    for (const auto& [key, count] : deliveries_) {
      out << "grader_deliveries_total{kind=\"" << key.first << "\",outcome=\"" << key.second
          << "\"} " << count << "\n";
    }
  }
  auto jobs = db::CountByStatus(store);
  if (jobs.ok()) {
    out << "# HELP grader_queue_depth Jobs queued and not yet leased by a worker.\n"
        << "# TYPE grader_queue_depth gauge\n"
        << "grader_queue_depth " << jobs->at("queued") << "\n"
        << "# HELP grader_jobs Jobs by status.\n# TYPE grader_jobs gauge\n";
    for (const auto& [status, count] : *jobs) {
      out << "grader_jobs{status=\"" << status << "\"} " << count << "\n";
    }
  } else {
    out << "# error: " << jobs.status().message() << "\n";
  }
  std::vector<int64_t> bounds_ms;
  for (double s : kBucketSeconds) bounds_ms.push_back(static_cast<int64_t>(s * 1000));
  auto histogram = db::GradingHistogram(store, bounds_ms);
  if (histogram.ok()) {
    out << "# HELP grader_grading_seconds Time from lease to recorded result per job.\n"
        << "# TYPE grader_grading_seconds histogram\n";
    for (size_t i = 0; i < kBucketSeconds.size(); ++i) {
      out << "grader_grading_seconds_bucket{le=\"" << Number(kBucketSeconds[i]) << "\"} "
          << histogram->cumulative[i] << "\n";
    }
    out << "grader_grading_seconds_bucket{le=\"+Inf\"} " << histogram->count << "\n"
        << "grader_grading_seconds_sum " << Number(static_cast<double>(histogram->sum_ms) / 1000)
        << "\n"
        << "grader_grading_seconds_count " << histogram->count << "\n";
  } else {
    out << "# error: " << histogram.status().message() << "\n";
  }
  auto dead = db::CountDeadLetters(store);
  if (dead.ok()) {
    out << "# HELP grader_dead_letters Outbox deliveries given up (grader outbox list --dead).\n"
        << "# TYPE grader_dead_letters gauge\n"
        << "grader_dead_letters " << *dead << "\n";
  } else {
    out << "# error: " << dead.status().message() << "\n";
  }
  return out.str();
}

}  // namespace service
