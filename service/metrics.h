// The service's Prometheus metrics (text format 0.0.4, docs/service.md "Metrics"):
//   grader_http_requests_total{route,code}   counter, this process
//   grader_deliveries_total{kind,outcome}     counter, incremented by the outbox dispatcher
//   grader_queue_depth                        gauge, queued jobs (database)
//   grader_jobs{status}                       gauge, jobs by status (database)
//   grader_grading_seconds                    histogram of finished jobs' grading time (database)
//   grader_dead_letters                       gauge, outbox rows with status 'dead' (database)
// Counters are thread-safe; Render reads the database through the caller's Store.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "db/store.h"

namespace service {

class Metrics {
 public:
  void CountRequest(std::string_view route, int code);
  // The hook the outbox dispatcher calls per delivery attempt's outcome.
  void CountDelivery(std::string_view kind, std::string_view outcome);
  // The whole exposition; database errors become a comment line (the counters still show).
  std::string Render(db::Store& store);

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  std::map<std::pair<std::string, std::string>, int64_t> deliveries_;
};

// The route label of a request path ("/v1/submissions/{id}"), so labels stay few.
std::string RouteLabel(std::string_view method, std::string_view path);

}  // namespace service
