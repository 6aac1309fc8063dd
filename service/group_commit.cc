#include "service/group_commit.h"

#include <vector>

namespace service {
namespace {
// A transaction's size bound: beyond it, latency of the first waiter would grow for no gain.
constexpr size_t kMaxBatch = 512;
}  // namespace

GroupCommitter::GroupCommitter(std::unique_ptr<db::Store> store, int64_t max_queue)
    : store_(std::move(store)), max_queue_(max_queue), writer_([this] { Run(); }) {}

GroupCommitter::~GroupCommitter() { Stop(); }

base::StatusOr<db::EnqueueResult> GroupCommitter::Enqueue(db::NewJob job) {
  auto pending = std::make_unique<Pending>();
  pending->job = std::move(job);
  std::future<base::StatusOr<db::EnqueueResult>> result = pending->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) return base::Status::Unavailable("shutting down");
    pending_.push_back(std::move(pending));
  }
  wake_.notify_one();
  return result.get();
}

void GroupCommitter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (writer_.joinable()) writer_.join();
}

void GroupCommitter::Run() {
  for (;;) {
    std::vector<std::unique_ptr<Pending>> batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, nothing left
      while (!pending_.empty() && batch.size() < kMaxBatch) {
        batch.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
    }
    std::vector<db::NewJob> jobs;
    jobs.reserve(batch.size());
    for (const auto& p : batch) jobs.push_back(p->job);
    auto results = db::EnqueueJobs(*store_, jobs, max_queue_);
    for (size_t i = 0; i < batch.size(); ++i) {
      if (results.ok()) {
        batch[i]->done.set_value((*results)[i]);
      } else {
        batch[i]->done.set_value(results.status());
      }
    }
  }
}

}  // namespace service
