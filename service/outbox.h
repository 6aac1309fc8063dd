// The outbox dispatcher (docs/service-outbox.md): delivers the pending rows of db/outbox.h,
// callbacks signed with the Standard Webhooks scheme and LTI scores, with retries.
//
// Theory of operation: `threads` delivery threads, each with its own db::Store on the same
// database file, poll for due rows every `poll_interval`. A thread claims a row (moving its due
// time past the longest a delivery can take, so that no other thread or process sends it at
// the same time), makes one attempt, and records the outcome: delivered, retry later (with
// backoff) or dead. A crash mid-attempt leaves the row claimed until the claim lapses; then it is
// sent again with the same webhook-id, which is how a receiver recognises the repeat.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "service/config.h"
#include "service/lti.h"

namespace db {
class Store;
struct OutboxRow;
}  // namespace db

namespace service {

struct DispatcherOptions {
  std::string database_path;  // the data directory's grader.db
  int threads = 2;
  std::chrono::milliseconds poll_interval{50};
};

class OutboxDispatcher {
 public:
  // Called after every attempt from a delivery thread: kind "callback" | "lti_score",
  // outcome "delivered" | "retry" | "dead" (e.g. metrics counters). Must be thread-safe.
  using Observer = std::function<void(std::string_view kind, std::string_view outcome)>;

  // Opens the threads' stores and starts delivering. kInvalidArgument / kInternal when the
  // database cannot be opened (db::Store::Open), or threads < 1.
  static base::StatusOr<std::unique_ptr<OutboxDispatcher>> Start(ServiceConfig config,
                                                                 DispatcherOptions options,
                                                                 Observer observer = nullptr);
  // Stops polling and joins the threads: at once when they are idle, else after the attempt in
  // flight (at most a few delivery_timeout_ms). Idempotent; the destructor calls it.
  void Stop();
  ~OutboxDispatcher();

  OutboxDispatcher(const OutboxDispatcher&) = delete;
  OutboxDispatcher& operator=(const OutboxDispatcher&) = delete;

  const LtiClient& lti() const { return lti_; }

 private:
  OutboxDispatcher(ServiceConfig config, DispatcherOptions options, Observer observer);
  // One thread's loop over its own store until Stop().
  void Run(std::unique_ptr<db::Store> store, uint64_t seed);
  // One delivery attempt of a claimed row.
  AttemptResult Attempt(const db::OutboxRow& row);
  AttemptResult AttemptCallback(const db::OutboxRow& row);

  const ServiceConfig config_;
  const DispatcherOptions options_;
  const Observer observer_;
  LtiClient lti_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mutex_
  std::vector<std::thread> threads_;
};

// The number of rows still pending in the database at `database_path` (for
// `grader outbox deliver --until-idle`).
base::StatusOr<int64_t> CountPendingOutbox(const std::string& database_path);

}  // namespace service
