// Group commit of intake (docs/service.md, "Throughput"): one writer thread owns a db::Store
// (Sync::kFull) and writes every submission that arrived while the previous transaction was
// committing in ONE transaction (db::EnqueueJobs), so N concurrent POSTs cost one fsync, not N.
// Enqueue() blocks its caller (an HTTP thread) until its row is committed, which is when the
// 202 may be sent. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "db/service_jobs.h"

namespace service {

class GroupCommitter {
 public:
  GroupCommitter(std::unique_ptr<db::Store> store, int64_t max_queue);
  ~GroupCommitter();  // Stop()s
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // The job's fate once committed (or kUnavailable after Stop()).
  base::StatusOr<db::EnqueueResult> Enqueue(db::NewJob job);
  // Commits what is pending, then ends the writer thread.
  void Stop();

 private:
  struct Pending {
    db::NewJob job;
    std::promise<base::StatusOr<db::EnqueueResult>> done;
  };
  void Run();

  std::unique_ptr<db::Store> store_;
  const int64_t max_queue_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<Pending>> pending_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace service
