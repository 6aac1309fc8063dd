// The store's contract on both backends (db/connection.h): one parameterised suite, run on a
// temporary SQLite file and on a fresh database of the test PostgreSQL (the ctest fixture
// `postgres`, URL in $GRADER_TEST_POSTGRES_URL; without it the PostgreSQL cases fail). Besides
// recording and reading back, it checks what scale-out relies on: concurrent mastery updates
// of one learner lose nothing, competing queue takers get disjoint jobs, an outbox row is
// claimed once, duplicate webhook ids are refused, and a database newer than the code is refused.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "db/deployment.h"
#include "db/migrations.h"
#include "db/outbox.h"
#include "db/postgres_connection.h"
#include "db/service_jobs.h"
#include "db/store.h"

namespace db {
namespace {

// One empty database of the backend, dropped at the end of the test.
class TestDatabase {
 public:
  explicit TestDatabase(const std::string& backend) {
    static std::atomic<int> counter{0};
    const std::string name =
        "store_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (backend == "sqlite") {
      dir_ = std::filesystem::temp_directory_path() / name;
      std::filesystem::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "grader.db").string();
      return;
    }
    const char* server = std::getenv("GRADER_TEST_POSTGRES_URL");
    if (server == nullptr || *server == '\0') {
      ADD_FAILURE() << "GRADER_TEST_POSTGRES_URL is not set: run through ctest (fixture postgres)";
      return;
    }
    server_ = server;
    auto admin = OpenPostgres(server_);
    if (!admin.ok()) {
      ADD_FAILURE() << admin.status().message();
      return;
    }
    (*admin)->ExecScript("CREATE DATABASE " + name);
    database_ = name;
    // postgresql:///grader?host=... -> postgresql:///<name>?host=...
    const size_t path = server_.find('/', server_.find("://") + 3);
    const size_t query = server_.find('?', path);
    url_ = server_.substr(0, path + 1) + name +
           (query == std::string::npos ? "" : server_.substr(query));
  }
  ~TestDatabase() {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
    if (!database_.empty()) {
      auto admin = OpenPostgres(server_);
      if (admin.ok())
        (*admin)->ExecScript("DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    }
  }
  const std::string& url() const { return url_; }

 private:
  std::filesystem::path dir_;
  std::string server_, database_, url_;
};

class StoreBackendTest : public ::testing::TestWithParam<std::string> {
 protected:
  StoreBackendTest() : database_(GetParam()) {}

  std::unique_ptr<Store> Open() {
    auto store = Store::Open(database_.url());
    EXPECT_TRUE(store.ok()) << store.status().message();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static int64_t Count(Store& store, const std::string& sql) {
    Statement q(store.connection(), sql);
    EXPECT_TRUE(q.Step()) << sql;
    return q.Column(0).Int64();
  }

  TestDatabase database_;
};

SubmissionRecord MakeSubmission(const std::string& learner) {
  SubmissionRecord s;
  s.learner = learner;
  s.problem_id = "dense";
  s.problem_version = 3;
  s.source_hash = "ab12";
  s.source = "int main() { return 0; }\n// it's quoted: ? and ?1 stay text\n";
  s.status = "graded";
  s.score = 2.5;
  s.max_score = 3;
  TestResultRecord visible;
  visible.name = "visible_1";
  visible.entry = "forward";
  visible.visibility = "visible";
  visible.verdict = "accepted";
  visible.score = 1;
  visible.max_score = 1;
  visible.max_rel_error = 1.0 / 3.0;
  TestResultRecord hidden = visible;
  hidden.name = "hidden_1";
  hidden.visibility = "hidden";
  hidden.verdict = "wrong_answer";
  hidden.score = 0;
  hidden.max_rel_error.reset();
  hidden.diagnosis =
      DiagnosisRecord{"dense.transposed", "", {"matmul-shapes", "chain-rule"}, "you transposed W"};
  s.tests = {visible, hidden};
  return s;
}

SkillObservation Observe(const std::string& skill, bool correct) {
  SkillObservation o;
  o.skill = skill;
  o.correct = correct;
  o.source = "hidden_1";
  return o;
}

TEST_P(StoreBackendTest, MigratesToTheLatestVersionAndReopens) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM schema_migrations"), LatestSchemaVersion());
  store.reset();
  auto again = Open();
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Count(*again, "SELECT COUNT(*) FROM schema_migrations"), LatestSchemaVersion());
}

TEST_P(StoreBackendTest, RefusesADatabaseNewerThanTheCode) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    Statement future(store->connection(),
                     "INSERT INTO schema_migrations (version, applied_at) VALUES (?, 'future')");
    future.Bind(1, int64_t{LatestSchemaVersion() + 1});
    future.Exec();
  }
  auto store = Store::Open(database_.url());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("newer than the latest this build knows"),
            std::string::npos)
      << store.status().message();
}

TEST_P(StoreBackendTest, RecordsASubmissionAndReadsItBack) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  SubmissionRecord s = MakeSubmission("ada");
  s.observations = {Observe("matmul-shapes", false), Observe("chain-rule", true)};
  RecordLinks links;
  links.cache_key = "key-1";
  auto id = store->RecordSubmission(s, links);
  ASSERT_TRUE(id.ok()) << id.status().message();

  auto read = store->GetSubmission(*id);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->learner, "ada");
  EXPECT_EQ(read->source, s.source);
  EXPECT_EQ(read->score, 2.5);
  EXPECT_EQ(read->problem_version, 3);
  EXPECT_EQ(read->created_at.size(), std::string("2026-11-28T18:00:00.123Z").size())
      << read->created_at;
  ASSERT_EQ(read->tests.size(), 2u);
  EXPECT_EQ(read->tests[0].max_rel_error, 1.0 / 3.0);  // a double survives exactly
  EXPECT_FALSE(read->tests[1].max_rel_error.has_value());
  ASSERT_TRUE(read->tests[1].diagnosis.has_value());
  EXPECT_EQ(read->tests[1].diagnosis->misconception, "dense.transposed");
  EXPECT_EQ(read->tests[1].diagnosis->skills,
            (std::vector<std::string>{"matmul-shapes", "chain-rule"}));

  auto listed = store->ListSubmissions("ada", 10);
  ASSERT_TRUE(listed.ok()) << listed.status().message();
  EXPECT_EQ(listed->size(), 1u);
  EXPECT_EQ(store->ListSubmissions("", 10)->size(), 1u);
  EXPECT_TRUE(store->ListSubmissions("bob", 10)->empty());

  auto mastery = store->GetMastery("ada");
  ASSERT_TRUE(mastery.ok()) << mastery.status().message();
  ASSERT_EQ(mastery->size(), 2u);
  EXPECT_EQ((*mastery)[0].skill, "chain-rule");
  EXPECT_DOUBLE_EQ((*mastery)[0].p_mastery, BktUpdate(BktParams().prior, true, BktParams()));
  EXPECT_EQ((*mastery)[0].observations, 1);
  EXPECT_EQ((*mastery)[0].correct, 1);
  EXPECT_EQ((*mastery)[1].correct, 0);
  auto misconceptions = store->ListMisconceptions("ada", 5);
  ASSERT_TRUE(misconceptions.ok());
  ASSERT_EQ(misconceptions->size(), 1u);
  EXPECT_EQ((*misconceptions)[0].test_name, "hidden_1");

  EXPECT_EQ(*store->FindCachedResult("key-1"), std::optional<int64_t>(*id));
  // A second result for the same key: the first recorded stays cached.
  auto second = store->RecordSubmission(MakeSubmission("ada"), links);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(*store->FindCachedResult("key-1"), std::optional<int64_t>(*id));
}

TEST_P(StoreBackendTest, AFailedRecordingLeavesNothing) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  SubmissionRecord s = MakeSubmission("ada");
  s.observations = {Observe("chain-rule", true)};
  s.tests[1].visibility = "secret";  // breaks the CHECK constraint
  auto id = store->RecordSubmission(s);
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM submissions"), 0);
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM skill_mastery"), 0);
  // The connection is usable afterwards.
  EXPECT_TRUE(store->RecordSubmission(MakeSubmission("ada")).ok());
}

TEST_P(StoreBackendTest, BatchRunsAreFoundByKey) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  BatchItemRecord item;
  item.learner = "ada";
  item.file = "ada.cpp";
  item.source_hash = "ab12";
  auto run = store->OpenBatchRun("run-1", "dense", "/tmp/x", {item});
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(*store->OpenBatchRun("run-1", "dense", "/tmp/x", {}), *run);
  RecordLinks links;
  links.batch_item = RecordLinks::BatchItem{*run, 0, true, 12};
  auto id = store->RecordSubmission(MakeSubmission("ada"), links);
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto items = store->ListBatchItems(*run);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ((*items)[0].submission_id, std::optional<int64_t>(*id));
  EXPECT_TRUE((*items)[0].cache_hit);
  // Linking the same item twice fails the whole second recording.
  EXPECT_FALSE(store->RecordSubmission(MakeSubmission("ada"), links).ok());
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM submissions"), 1);
  EXPECT_TRUE(store->FinishBatchRun(*run).ok());
}

NewJob Job(const std::string& webhook_id) {
  NewJob job;
  job.webhook_id = webhook_id;
  job.problem_id = "dense";
  job.learner = "ada";
  job.source = "int x;";
  job.callback_url = "https://lms.example/cb";
  return job;
}

TEST_P(StoreBackendTest, TheQueueLeasesFinishesAndWritesTheOutbox) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto queued = EnqueueJobs(*store, {Job("msg_1"), Job("msg_2"), Job("msg_1")}, 100);
  ASSERT_TRUE(queued.ok()) << queued.status().message();
  ASSERT_EQ(queued->size(), 3u);
  EXPECT_EQ((*queued)[0].kind, EnqueueResult::Kind::kQueued);
  EXPECT_EQ((*queued)[2].kind, EnqueueResult::Kind::kDuplicate);
  EXPECT_EQ((*queued)[2].job_id, (*queued)[0].job_id);
  EXPECT_EQ((*EnqueueJobs(*store, {Job("msg_3")}, 2))[0].kind, EnqueueResult::Kind::kFull);

  auto job = LeaseJob(*store, "w1", 1000, 3, /*now_ms=*/10000);
  ASSERT_TRUE(job.ok()) << job.status().message();
  ASSERT_TRUE(job->has_value());
  EXPECT_EQ((*job)->id, (*queued)[0].job_id);
  EXPECT_EQ((*job)->attempts, 1);
  EXPECT_TRUE(*RenewLease(*store, (*job)->id, "w1", 1000, 10500));
  EXPECT_FALSE(*RenewLease(*store, (*job)->id, "w2", 1000, 10500));

  JobFinish finish;
  finish.job_id = (*job)->id;
  finish.owner = "w1";
  finish.now_ms = 10600;
  finish.outbox = [](const FinishedSubmission& done) {
    OutboxRow row;
    row.kind = "callback";
    row.target = "https://lms.example/cb";
    row.payload = "{\"status\":\"" + done.status + "\"}";
    row.delivery_id = "msg_00000000000000000000000000000001";
    return std::vector<OutboxRow>{row};
  };
  RecordLinks links;
  links.in_transaction = [&](Connection& connection, int64_t submission_id) {
    FinishJobOrThrow(connection, finish, submission_id);
  };
  auto id = store->RecordSubmission(MakeSubmission("ada"), links);
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto done = GetJob(*store, finish.job_id);
  ASSERT_TRUE(done.ok() && done->has_value());
  EXPECT_EQ((*done)->status, "graded");
  EXPECT_EQ((*done)->submission_id, std::optional<int64_t>(*id));
  auto due = ListDueOutbox(store->connection(), 10600, 10);
  ASSERT_TRUE(due.ok()) << due.status().message();
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].payload, "{\"status\":\"graded\"}");

  // The lease holder alone records: a finish by a worker without the lease rolls back.
  auto second = LeaseJob(*store, "w1", 1000, 3, 10700);
  ASSERT_TRUE(second.ok() && second->has_value());
  finish.job_id = (**second).id;
  finish.owner = "w2";
  EXPECT_FALSE(store->RecordSubmission(MakeSubmission("ada"), links).ok());
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM submissions"), 1);
  // An expired lease is taken over; after max_attempts the job is given up.
  auto taken = LeaseJob(*store, "w3", 1000, 2, 20000);
  ASSERT_TRUE(taken.ok() && taken->has_value());
  EXPECT_EQ((**taken).attempts, 2);
  auto none = LeaseJob(*store, "w4", 1000, 2, 30000);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(CountByStatus(*store)->at("internal_error"), 1);
  EXPECT_EQ(CountByStatus(*store)->at("graded"), 1);
}

TEST_P(StoreBackendTest, AnOutboxRowIsClaimedOnce) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  auto queued = EnqueueJobs(*store, {Job("msg_1")}, 100);
  ASSERT_TRUE(queued.ok());
  OutboxRow row;
  row.job_id = (*queued)[0].job_id;
  row.kind = "callback";
  row.target = "https://lms.example/cb";
  row.payload = "{}";
  row.delivery_id = "msg_1";
  row.next_attempt_ms = 100;
  const int64_t id = InsertOutboxRowOrThrow(store->connection(), row);
  EXPECT_THROW(InsertOutboxRowOrThrow(store->connection(), row), std::exception);  // (job, kind)
  auto other = Open();
  ASSERT_NE(other, nullptr);
  EXPECT_TRUE(*ClaimOutboxRow(store->connection(), id, 100, 5000));
  EXPECT_FALSE(*ClaimOutboxRow(other->connection(), id, 100, 5000));
  EXPECT_TRUE(MarkOutboxDelivered(other->connection(), id, 1).ok());
  EXPECT_FALSE(MarkOutboxDelivered(store->connection(), id, 1).ok());
}

TEST_P(StoreBackendTest, WorkersMustAgreeWithTheDeployment) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const DeploymentFacts ours = {{"secret_sha256", "aa"}, {"problems", "dense@3"}};
  EXPECT_TRUE(CheckDeployment(*store, ours, "w1").ok());  // the first records
  EXPECT_TRUE(CheckDeployment(*store, ours, "w2").ok());
  base::Status differs = CheckDeployment(*store, {{"problems", "dense@4"}}, "w3");
  EXPECT_EQ(differs.code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(differs.message().find("problems differs from the one w1 recorded"), std::string::npos)
      << differs.message();
  ASSERT_TRUE(RecordDeployment(*store, {{"problems", "dense@4"}}, "serve").ok());
  EXPECT_TRUE(CheckDeployment(*store, {{"problems", "dense@4"}}, "w3").ok());
  EXPECT_FALSE(CheckDeployment(*store, ours, "w1").ok());
}

// Two connections record submissions of the same learner at the same time: every observation
// is applied to the state the previous one left (no lost update), whatever the interleaving.
TEST_P(StoreBackendTest, ConcurrentMasteryUpdatesOfOneLearnerLoseNothing) {
  auto first = Open();
  ASSERT_NE(first, nullptr);
  constexpr int kPerThread = 25;
  // Slow evidence (no learning, a correct answer nearly as likely unknown as known): the
  // estimate grows by ~2% per observation, so every state of the chain is a distinct value.
  const BktParams slow{0.01, 0.0, 0.5, 0.49};
  std::atomic<int> failures{0};
  auto record = [&](int thread) {
    auto store = Open();
    if (store == nullptr) {
      ++failures;
      return;
    }
    for (int i = 0; i < kPerThread; ++i) {
      SubmissionRecord s = MakeSubmission("ada");
      // Both threads observe both skills, in opposite orders (a deadlock if locked unsorted).
      s.observations = {Observe(thread == 0 ? "chain-rule" : "matmul-shapes", true),
                        Observe(thread == 0 ? "matmul-shapes" : "chain-rule", true)};
      for (SkillObservation& o : s.observations) o.params = slow;
      if (!store->RecordSubmission(s).ok()) ++failures;
    }
  };
  std::thread a(record, 0), b(record, 1);
  a.join();
  b.join();
  ASSERT_EQ(failures.load(), 0);
  double expected = slow.prior;
  for (int i = 0; i < 2 * kPerThread; ++i) expected = BktUpdate(expected, true, slow);
  auto mastery = first->GetMastery("ada");
  ASSERT_TRUE(mastery.ok());
  ASSERT_EQ(mastery->size(), 2u);
  for (const MasteryRecord& m : *mastery) {
    EXPECT_EQ(m.observations, 2 * kPerThread) << m.skill;
    EXPECT_NEAR(m.p_mastery, expected, 1e-12) << m.skill;
  }
  // Each update started from a different state: no two evidence rows share mastery_before.
  EXPECT_EQ(Count(*first,
                  "SELECT COUNT(DISTINCT mastery_before) FROM skill_evidence "
                  "WHERE skill = 'chain-rule'"),
            2 * kPerThread);
}

// Four takers empty a queue of 60 jobs at once: every job is taken exactly once.
TEST_P(StoreBackendTest, CompetingTakersGetDisjointJobs) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  constexpr int kJobs = 60;
  std::vector<NewJob> jobs;
  for (int i = 0; i < kJobs; ++i) jobs.push_back(Job("msg_" + std::to_string(i)));
  ASSERT_TRUE(EnqueueJobs(*store, jobs, 1000).ok());
  std::vector<std::vector<int64_t>> taken(4);
  std::atomic<int> failures{0};
  auto take = [&](size_t taker) {
    auto own = Open();
    if (own == nullptr) {
      ++failures;
      return;
    }
    for (;;) {
      auto job = LeaseJob(*own, "taker" + std::to_string(taker), 60000, 3, 1000);
      if (!job.ok()) {
        ++failures;
        return;
      }
      if (!job->has_value()) return;
      taken[taker].push_back((**job).id);
    }
  };
  std::vector<std::thread> takers;
  for (size_t t = 0; t < taken.size(); ++t) takers.emplace_back(take, t);
  for (std::thread& t : takers) t.join();
  ASSERT_EQ(failures.load(), 0);
  std::set<int64_t> distinct;
  size_t total = 0;
  for (const auto& ids : taken) {
    total += ids.size();
    distinct.insert(ids.begin(), ids.end());
  }
  EXPECT_EQ(total, static_cast<size_t>(kJobs));
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(CountByStatus(*store)->at("running"), kJobs);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreBackendTest, ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace db
