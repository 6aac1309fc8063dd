// The service's durable queue (db/service_jobs.h): group commit and idempotency, the queue
// bound, leases (expiry, renewal, release, reset, max attempts) and exactly one final result
// when two workers graded the same job.
#include "db/service_jobs.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>

namespace db {
namespace {

NewJob Job(const std::string& webhook_id) {
  NewJob job;
  job.webhook_id = webhook_id;
  job.problem_id = "relu";
  job.learner = "ada";
  job.source = "int main() {}";
  return job;
}

SubmissionRecord Graded(double score) {
  SubmissionRecord s;
  s.learner = "ada";
  s.problem_id = "relu";
  s.problem_version = 1;
  s.source_hash = "00";
  s.source = "int main() {}";
  s.status = "graded";
  s.score = score;
  s.max_score = 10;
  return s;
}

// A callback row as the worker writes it (job id and due time are set by the store).
OutboxRow CallbackRow(const std::string& payload, const std::string& delivery_id) {
  OutboxRow row;
  row.kind = "callback";
  row.target = "http://127.0.0.1/cb";
  row.payload = payload;
  row.delivery_id = delivery_id;
  return row;
}

class ServiceJobsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(":memory:");
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
  }
  int64_t Count(const std::string& sql) {
    SQLite::Statement q(store_->database(), sql);
    q.executeStep();
    return q.getColumn(0).getInt64();
  }
  // Records a submission whose transaction finishes the job as `owner`.
  base::StatusOr<int64_t> Finish(int64_t job_id, const std::string& owner, double score) {
    JobFinish finish;
    finish.job_id = job_id;
    finish.owner = owner;
    finish.grading_ms = 1234;
    finish.now_ms = 99;
    finish.outbox = [](const FinishedSubmission& done) {
      return std::vector<OutboxRow>{CallbackRow("{\"score\":" + std::to_string(done.score) + "}",
                                                "msg_" + std::to_string(done.score))};
    };
    RecordLinks links;
    links.in_transaction = [&](db::Connection& database, int64_t submission_id) {
      FinishJobOrThrow(database, finish, submission_id);
    };
    return store_->RecordSubmission(Graded(score), links);
  }
  std::unique_ptr<Store> store_;
};

TEST_F(ServiceJobsTest, EnqueuesManyInOneCallAndDeduplicatesByWebhookId) {
  auto first = EnqueueJobs(*store_, {Job("a"), Job("b"), Job("a")}, 100);
  ASSERT_TRUE(first.ok()) << first.status().message();
  ASSERT_EQ(first->size(), 3u);
  EXPECT_EQ((*first)[0].kind, EnqueueResult::Kind::kQueued);
  EXPECT_EQ((*first)[1].kind, EnqueueResult::Kind::kQueued);
  EXPECT_EQ((*first)[2].kind, EnqueueResult::Kind::kDuplicate);
  EXPECT_EQ((*first)[2].job_id, (*first)[0].job_id);
  auto again = EnqueueJobs(*store_, {Job("b")}, 100);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)[0].kind, EnqueueResult::Kind::kDuplicate);
  EXPECT_EQ((*again)[0].job_id, (*first)[1].job_id);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_jobs"), 2);
  auto found = FindJobByWebhookId(*store_, "a");
  ASSERT_TRUE(found.ok() && *found);
  EXPECT_EQ(**found, (*first)[0].job_id);
}

TEST_F(ServiceJobsTest, FullQueueRefusesNewIdsButStillAnswersDuplicates) {
  ASSERT_TRUE(EnqueueJobs(*store_, {Job("a"), Job("b")}, 2).ok());
  auto results = EnqueueJobs(*store_, {Job("c"), Job("a")}, 2);
  ASSERT_TRUE(results.ok());
  EXPECT_EQ((*results)[0].kind, EnqueueResult::Kind::kFull);
  EXPECT_EQ((*results)[1].kind, EnqueueResult::Kind::kDuplicate);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM service_jobs"), 2);
  // A leased job no longer counts as queued.
  ASSERT_TRUE(LeaseJob(*store_, "w1", 1000, 3, 0).ok());
  results = EnqueueJobs(*store_, {Job("c")}, 2);
  EXPECT_EQ((*results)[0].kind, EnqueueResult::Kind::kQueued);
}

TEST_F(ServiceJobsTest, LeasesTheOldestAndTakesOverOnlyExpiredLeases) {
  ASSERT_TRUE(EnqueueJobs(*store_, {Job("a"), Job("b")}, 10).ok());
  auto one = LeaseJob(*store_, "w1", 1000, 3, 0);
  ASSERT_TRUE(one.ok() && *one);
  EXPECT_EQ((*one)->request.webhook_id, "a");
  EXPECT_EQ((*one)->status, "running");
  EXPECT_EQ((*one)->attempts, 1);
  EXPECT_EQ((*one)->lease_expires_ms, 1000);
  auto two = LeaseJob(*store_, "w2", 1000, 3, 10);
  ASSERT_TRUE(two.ok() && *two);
  EXPECT_EQ((*two)->request.webhook_id, "b");
  auto none = LeaseJob(*store_, "w3", 1000, 3, 500);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(*none);
  // w1 renews; w2's lease expires and w3 takes it over.
  EXPECT_TRUE(*RenewLease(*store_, (*one)->id, "w1", 1000, 900));
  auto taken = LeaseJob(*store_, "w3", 1000, 3, 1500);
  ASSERT_TRUE(taken.ok() && *taken);
  EXPECT_EQ((*taken)->id, (*two)->id);
  EXPECT_EQ((*taken)->attempts, 2);
  EXPECT_FALSE(*RenewLease(*store_, (*two)->id, "w2", 1000, 1500));
}

TEST_F(ServiceJobsTest, TwoOwnersRecordExactlyOneFinalResult) {
  ASSERT_TRUE(EnqueueJobs(*store_, {Job("a")}, 10).ok());
  auto first = LeaseJob(*store_, "w1", 100, 3, 0);
  auto second = LeaseJob(*store_, "w2", 100, 3, 200);  // w1's lease expired
  ASSERT_TRUE(first.ok() && *first && second.ok() && *second);
  const int64_t id = (*first)->id;
  auto lost = Finish(id, "w1", 3);
  EXPECT_FALSE(lost.ok());  // rolled back: no submission, no outbox row
  EXPECT_NE(lost.status().message().find("lease lost"), std::string::npos);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM submissions"), 0);
  auto won = Finish(id, "w2", 7);
  ASSERT_TRUE(won.ok()) << won.status().message();
  auto job = GetJob(*store_, id);
  ASSERT_TRUE(job.ok() && *job);
  EXPECT_EQ((*job)->status, "graded");
  EXPECT_EQ((*job)->submission_id, *won);
  EXPECT_EQ((*job)->grading_ms, 1234);
  EXPECT_FALSE((*job)->finished_at.empty());
  EXPECT_EQ(Count("SELECT COUNT(*) FROM submissions"), 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND attempts = 0 AND "
                  "next_attempt_ms = 99 AND kind = 'callback'"),
            1);
  // Finished: a late finish by anyone fails, and the job is never leased again.
  EXPECT_FALSE(Finish(id, "w2", 9).ok());
  EXPECT_FALSE(*LeaseJob(*store_, "w3", 100, 3, 100000));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM submissions"), 1);
}

TEST_F(ServiceJobsTest, JobLeasedMaxAttemptsTimesBecomesInternalError) {
  ASSERT_TRUE(EnqueueJobs(*store_, {Job("a")}, 10).ok());
  ASSERT_TRUE(*LeaseJob(*store_, "w1", 100, 2, 0));
  ASSERT_TRUE(*LeaseJob(*store_, "w2", 100, 2, 200));
  int outbox_calls = 0;
  auto give_up = [&](const JobRecord& dead) {
    ++outbox_calls;
    EXPECT_EQ(dead.status, "internal_error");
    return std::vector<OutboxRow>{CallbackRow("{}", "msg_dead")};
  };
  auto none = LeaseJob(*store_, "w3", 100, 2, 400, give_up);  // died twice: given up
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(outbox_calls, 1);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE delivery_id = 'msg_dead'"), 1);
  EXPECT_FALSE(*none);
  auto job = **GetJob(*store_, 1);
  EXPECT_EQ(job.status, "internal_error");
  EXPECT_EQ(job.error, "worker died 2 times");
}

TEST_F(ServiceJobsTest, ReleaseAndResetPutJobsBackInTheQueue) {
  ASSERT_TRUE(EnqueueJobs(*store_, {Job("a"), Job("b")}, 10).ok());
  auto a = **LeaseJob(*store_, "w1", 100, 3, 0);
  auto b = **LeaseJob(*store_, "w2", 100, 3, 0);
  EXPECT_FALSE(*ReleaseLease(*store_, a.id, "w2"));  // not its lease
  EXPECT_TRUE(*ReleaseLease(*store_, a.id, "w1"));
  auto released = **GetJob(*store_, a.id);
  EXPECT_EQ(released.status, "queued");
  EXPECT_EQ(released.attempts, 0);      // a graceful hand-back is not a death
  EXPECT_EQ(*ResetLeases(*store_), 1);  // b, its worker gone with the old service
  auto reset = **GetJob(*store_, b.id);
  EXPECT_EQ(reset.status, "queued");
  EXPECT_EQ(reset.lease_owner, "");
  auto counts = *CountByStatus(*store_);
  EXPECT_EQ(counts["queued"], 2);
  EXPECT_EQ(counts["running"], 0);
}

TEST_F(ServiceJobsTest, ErrorFinishHasNoSubmissionAndChecksTheLease) {
  ASSERT_TRUE(EnqueueJobs(*store_, {Job("a")}, 10).ok());
  auto a = **LeaseJob(*store_, "w1", 100, 3, 0);
  JobFinish finish;
  finish.job_id = a.id;
  finish.owner = "w2";
  EXPECT_EQ(FinishJobWithError(*store_, finish, "boom", 10).code(), base::StatusCode::kUnavailable);
  finish.owner = "w1";
  finish.outbox = [](const FinishedSubmission& done) {
    EXPECT_EQ(done.status, "internal_error");
    return std::vector<OutboxRow>{};
  };
  ASSERT_TRUE(FinishJobWithError(*store_, finish, "boom", 10).ok());
  auto job = **GetJob(*store_, a.id);
  EXPECT_EQ(job.status, "internal_error");
  EXPECT_EQ(job.error, "boom");
  EXPECT_FALSE(job.submission_id);
}

TEST_F(ServiceJobsTest, HistogramAndDeadLetters) {
  ASSERT_TRUE(EnqueueJobs(*store_, {Job("a")}, 10).ok());
  auto a = **LeaseJob(*store_, "w1", 100, 3, 0);
  ASSERT_TRUE(Finish(a.id, "w1", 10).ok());
  auto histogram = GradingHistogram(*store_, {1000, 2000});
  ASSERT_TRUE(histogram.ok());
  EXPECT_EQ(histogram->count, 1);
  EXPECT_EQ(histogram->sum_ms, 1234);
  EXPECT_EQ(histogram->cumulative, (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(*CountDeadLetters(*store_), 0);
  store_->database().exec("UPDATE outbox SET status = 'dead'");
  EXPECT_EQ(*CountDeadLetters(*store_), 1);
  EXPECT_TRUE(CheckWritable(*store_).ok());
}

}  // namespace
}  // namespace db
