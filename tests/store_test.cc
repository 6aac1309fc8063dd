#include "db/store.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "db/migrations.h"

namespace db {
namespace {

// A fresh directory for file databases, removed with everything in it at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "store_test.XXXXXX").string();
    const char* made = mkdtemp(pattern.data());
    EXPECT_NE(made, nullptr) << "mkdtemp " << pattern;
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<Store> OpenOrDie(const std::string& path) {
  base::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  EXPECT_TRUE(store.ok()) << store.status().message();
  return store.ok() ? std::move(store).value() : nullptr;
}

int64_t CountRows(Store& store, const std::string& table) {
  return store.database().execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
}

TestResultRecord MakeTest(const std::string& name, const std::string& visibility) {
  TestResultRecord test;
  test.name = name;
  test.entry = "forward";
  test.visibility = visibility;
  test.verdict = "accepted";
  test.score = 1;
  test.max_score = 1;
  return test;
}

SubmissionRecord MakeSubmission(const std::string& learner, const std::string& problem_id) {
  SubmissionRecord submission;
  submission.learner = learner;
  submission.problem_id = problem_id;
  submission.problem_version = 3;
  submission.source_hash = "ab12";
  submission.source = "def forward(x):\n  return x\n";
  submission.status = "graded";
  submission.score = 2.5;
  submission.max_score = 3;
  submission.compile_output = "";
  submission.tests = {MakeTest("visible_1", "visible"), MakeTest("hidden_1", "hidden")};
  return submission;
}

TEST(StoreTest, OpenInMemoryAppliesEveryMigration) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_NE(store, nullptr);
  EXPECT_GE(LatestSchemaVersion(), 1);
  EXPECT_EQ(store->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(CountRows(*store, "schema_migrations"), LatestSchemaVersion());
  EXPECT_TRUE(store->database().tableExists("submissions"));
  EXPECT_TRUE(store->database().tableExists("test_results"));
  EXPECT_EQ(store->database().execAndGet("PRAGMA foreign_keys").getInt(), 1);
  EXPECT_EQ(store->database().execAndGet("PRAGMA busy_timeout").getInt(), 5000);
}

TEST(StoreTest, ReopeningAFileKeepsDataAndDoesNotReapplyMigrations) {
  TempDir dir;
  const std::string path = dir.File("grader.db");
  int64_t id = 0;
  std::string applied_at;
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    base::StatusOr<int64_t> recorded = store->RecordSubmission(MakeSubmission("ada", "relu"));
    ASSERT_TRUE(recorded.ok()) << recorded.status().message();
    id = *recorded;
    applied_at = store->database()
                     .execAndGet("SELECT applied_at FROM schema_migrations WHERE version = 1")
                     .getString();
  }
  std::unique_ptr<Store> store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion(), LatestSchemaVersion());
  EXPECT_EQ(CountRows(*store, "schema_migrations"), LatestSchemaVersion());
  EXPECT_EQ(store->database()
                .execAndGet("SELECT applied_at FROM schema_migrations WHERE version = 1")
                .getString(),
            applied_at);
  base::StatusOr<SubmissionRecord> read = store->GetSubmission(id);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->learner, "ada");
  EXPECT_EQ(read->tests.size(), 2u);
}

TEST(StoreTest, FileDatabaseUsesWal) {
  TempDir dir;
  std::unique_ptr<Store> store = OpenOrDie(dir.File("wal.db"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->database().execAndGet("PRAGMA journal_mode").getString(), "wal");
  EXPECT_EQ(store->database().execAndGet("PRAGMA foreign_keys").getInt(), 1);
}

TEST(StoreTest, SubmissionWithTestsRoundTrips) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_NE(store, nullptr);
  SubmissionRecord submission = MakeSubmission("ada", "conv2d");
  submission.status = "compile_error";
  submission.compile_output = "line 3: unexpected indent\n";
  submission.created_at = "2026-11-28T18:00:00.123Z";
  submission.graded_at = "2026-11-28T18:00:01.456Z";
  TestResultRecord third = MakeTest("hidden_2", "hidden");
  third.entry = "backward";
  third.verdict = "wrong_answer";
  third.score = 0.25;
  third.max_score = 2;
  third.message = "output 'dW' has shape 32x16, expected 16x32";
  third.max_rel_error = 0.125;
  third.cpu_time_ms = 1234;
  third.wall_time_ms = 5678;
  third.peak_memory_bytes = int64_t{3} << 32;  // beyond 32 bits
  submission.tests.push_back(third);
  submission.tests[0].max_rel_error = 0.0;  // a value, distinct from null

  base::StatusOr<int64_t> id = store->RecordSubmission(submission);
  ASSERT_TRUE(id.ok()) << id.status().message();
  base::StatusOr<SubmissionRecord> read = store->GetSubmission(*id);
  ASSERT_TRUE(read.ok()) << read.status().message();

  EXPECT_EQ(read->id, *id);
  EXPECT_EQ(read->learner, submission.learner);
  EXPECT_EQ(read->problem_id, submission.problem_id);
  EXPECT_EQ(read->problem_version, submission.problem_version);
  EXPECT_EQ(read->source_hash, submission.source_hash);
  EXPECT_EQ(read->source, submission.source);
  EXPECT_EQ(read->status, "compile_error");
  EXPECT_EQ(read->score, submission.score);
  EXPECT_EQ(read->max_score, submission.max_score);
  EXPECT_EQ(read->compile_output, submission.compile_output);
  EXPECT_EQ(read->created_at, "2026-11-28T18:00:00.123Z");
  EXPECT_EQ(read->graded_at, "2026-11-28T18:00:01.456Z");
  ASSERT_EQ(read->tests.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE("tests[" + std::to_string(i) + "]");
    const TestResultRecord& want = submission.tests[i];
    const TestResultRecord& got = read->tests[i];
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.entry, want.entry);
    EXPECT_EQ(got.visibility, want.visibility);
    EXPECT_EQ(got.verdict, want.verdict);
    EXPECT_EQ(got.score, want.score);
    EXPECT_EQ(got.max_score, want.max_score);
    EXPECT_EQ(got.message, want.message);
    EXPECT_EQ(got.max_rel_error, want.max_rel_error);
    EXPECT_EQ(got.cpu_time_ms, want.cpu_time_ms);
    EXPECT_EQ(got.wall_time_ms, want.wall_time_ms);
    EXPECT_EQ(got.peak_memory_bytes, want.peak_memory_bytes);
  }
  EXPECT_EQ(read->tests[0].max_rel_error, std::optional<double>(0.0));
  EXPECT_EQ(read->tests[1].max_rel_error, std::nullopt);
  EXPECT_EQ(read->tests[2].max_rel_error, std::optional<double>(0.125));
  EXPECT_EQ(store->database()
                .execAndGet("SELECT COUNT(*) FROM test_results WHERE max_rel_error IS NULL")
                .getInt(),
            1);
}

TEST(StoreTest, EmptyTimestampsAreSetToIsoUtcWithMilliseconds) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_NE(store, nullptr);
  base::StatusOr<int64_t> id = store->RecordSubmission(MakeSubmission("ada", "relu"));
  ASSERT_TRUE(id.ok()) << id.status().message();
  base::StatusOr<SubmissionRecord> read = store->GetSubmission(*id);
  ASSERT_TRUE(read.ok()) << read.status().message();
  const std::regex iso(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$)");
  EXPECT_TRUE(std::regex_match(read->created_at, iso)) << read->created_at;
  EXPECT_TRUE(std::regex_match(read->graded_at, iso)) << read->graded_at;
}

TEST(StoreTest, UnknownSubmissionIsNotFound) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_NE(store, nullptr);
  base::StatusOr<SubmissionRecord> read = store->GetSubmission(42);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), base::StatusCode::kNotFound);
  EXPECT_NE(read.status().message().find("42"), std::string::npos) << read.status().message();
}

struct BrokenRecordCase {
  std::string label;
  void (*Break)(SubmissionRecord&);
  std::string expected_in_message;
};

TEST(StoreTest, FailedRecordWritesNothing) {
  const std::vector<BrokenRecordCase> cases = {
      {"secret visibility", [](SubmissionRecord& s) { s.tests[1].visibility = "secret"; },
       "tests[1] 'hidden_1'"},
      {"empty verdict", [](SubmissionRecord& s) { s.tests[1].verdict = ""; },
       "tests[1] 'hidden_1'"},
      {"unknown status", [](SubmissionRecord& s) { s.status = "pending"; }, "status"},
  };
  for (const BrokenRecordCase& broken : cases) {
    SCOPED_TRACE(broken.label);
    std::unique_ptr<Store> store = OpenOrDie(":memory:");
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->RecordSubmission(MakeSubmission("ada", "relu")).ok());

    SubmissionRecord submission = MakeSubmission("bob", "relu");
    broken.Break(submission);
    base::StatusOr<int64_t> id = store->RecordSubmission(submission);
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.status().code(), base::StatusCode::kInternal);
    EXPECT_NE(id.status().message().find(broken.expected_in_message), std::string::npos)
        << id.status().message();
    EXPECT_NE(id.status().message().find("constraint"), std::string::npos) << id.status().message();
    // Only the earlier, valid submission remains: no row of the failed one, not even the
    // submission row or its first (valid) test.
    EXPECT_EQ(CountRows(*store, "submissions"), 1);
    EXPECT_EQ(CountRows(*store, "test_results"), 2);
    EXPECT_EQ(store->database()
                  .execAndGet("SELECT COUNT(*) FROM submissions WHERE learner = 'bob'")
                  .getInt(),
              0);
  }
}

TEST(StoreTest, DeletingASubmissionCascadesToItsTests) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_NE(store, nullptr);
  base::StatusOr<int64_t> id = store->RecordSubmission(MakeSubmission("ada", "relu"));
  ASSERT_TRUE(id.ok()) << id.status().message();
  ASSERT_EQ(CountRows(*store, "test_results"), 2);
  store->database().exec("DELETE FROM submissions WHERE id = " + std::to_string(*id));
  EXPECT_EQ(CountRows(*store, "test_results"), 0);
}

TEST(StoreTest, DatabaseFromAFutureVersionIsRefused) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    store->database().exec(
        "INSERT INTO schema_migrations (version, applied_at) "
        "VALUES (999, '2099-01-01T00:00:00.000Z')");
  }
  base::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), base::StatusCode::kInvalidArgument);
  const std::string& message = store.status().message();
  EXPECT_NE(message.find("999"), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("newer"), std::string::npos) << message;
}

TEST(StoreTest, UnopenablePathIsAnErrorNamingThePath) {
  // Tests may run as root, which ignores permission bits: use paths no one can create.
  const std::vector<std::string> paths = {"/proc/nonexistent/x.db",
                                          "/nonexistent-store-test-dir/sub/x.db"};
  for (const std::string& path : paths) {
    SCOPED_TRACE(path);
    base::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), base::StatusCode::kInternal);
    EXPECT_NE(store.status().message().find(path), std::string::npos) << store.status().message();
  }
}

TEST(StoreTest, ListSubmissionsFiltersByLearnerNewestFirst) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_NE(store, nullptr);
  std::vector<int64_t> ada_ids;
  for (const std::string learner : {"ada", "bob", "ada", "ada", "bob"}) {
    base::StatusOr<int64_t> id = store->RecordSubmission(MakeSubmission(learner, "relu"));
    ASSERT_TRUE(id.ok()) << id.status().message();
    if (learner == "ada") ada_ids.push_back(*id);
  }

  base::StatusOr<std::vector<SubmissionRecord>> ada = store->ListSubmissions("ada", 10);
  ASSERT_TRUE(ada.ok()) << ada.status().message();
  ASSERT_EQ(ada->size(), 3u);
  EXPECT_EQ((*ada)[0].id, ada_ids[2]);
  EXPECT_EQ((*ada)[1].id, ada_ids[1]);
  EXPECT_EQ((*ada)[2].id, ada_ids[0]);
  for (const SubmissionRecord& record : *ada) EXPECT_EQ(record.learner, "ada");

  base::StatusOr<std::vector<SubmissionRecord>> limited = store->ListSubmissions("ada", 2);
  ASSERT_TRUE(limited.ok()) << limited.status().message();
  ASSERT_EQ(limited->size(), 2u);
  EXPECT_EQ((*limited)[0].id, ada_ids[2]);

  base::StatusOr<std::vector<SubmissionRecord>> everyone = store->ListSubmissions("", 10);
  ASSERT_TRUE(everyone.ok()) << everyone.status().message();
  ASSERT_EQ(everyone->size(), 5u);
  for (size_t i = 1; i < everyone->size(); ++i) {
    EXPECT_GT((*everyone)[i - 1].id, (*everyone)[i].id);
  }

  base::StatusOr<std::vector<SubmissionRecord>> nobody = store->ListSubmissions("carol", 10);
  ASSERT_TRUE(nobody.ok()) << nobody.status().message();
  EXPECT_TRUE(nobody->empty());

  base::StatusOr<std::vector<SubmissionRecord>> zero = store->ListSubmissions("ada", 0);
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(zero.status().code(), base::StatusCode::kInvalidArgument);
}

// --- links written with a submission, the result cache and batch runs ----------------------

std::vector<BatchItemRecord> TwoItems() {
  std::vector<BatchItemRecord> items(2);
  items[0].position = 0;
  items[0].learner = "ada";
  items[0].file = "ada.cpp";
  items[0].source_hash = "a0";
  items[1].position = 1;
  items[1].learner = "bob";
  items[1].file = "bob/main.cpp";
  items[1].late = true;
  items[1].source_hash = "b1";
  return items;
}

TEST(StoreRunsTest, BatchRunIsFoundAgainByItsKeyAndItemsLinkOnce) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_NE(store, nullptr);
  auto run = store->OpenBatchRun("key-1", "relu", "/class", TwoItems());
  ASSERT_TRUE(run.ok()) << run.status().message();
  auto again = store->OpenBatchRun("key-1", "relu", "/class", {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *run);

  RecordLinks links;
  links.batch_item = RecordLinks::BatchItem{*run, 1, false, 1234};
  auto id = store->RecordSubmission(MakeSubmission("bob", "relu"), links);
  ASSERT_TRUE(id.ok()) << id.status().message();
  auto items = store->ListBatchItems(*run);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_FALSE((*items)[0].submission_id.has_value());
  EXPECT_EQ((*items)[1].submission_id, *id);
  EXPECT_EQ((*items)[1].file, "bob/main.cpp");
  EXPECT_TRUE((*items)[1].late);
  EXPECT_EQ((*items)[1].elapsed_ms, 1234);

  // Linking the same item twice fails the whole recording.
  auto twice = store->RecordSubmission(MakeSubmission("bob", "relu"), links);
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("already graded"), std::string::npos)
      << twice.status().message();
  EXPECT_EQ(CountRows(*store, "submissions"), 1);

  ASSERT_TRUE(store->FinishBatchRun(*run).ok());
  EXPECT_EQ(store->database()
                .execAndGet("SELECT COUNT(*) FROM batch_runs WHERE finished_at IS NOT NULL")
                .getInt64(),
            1);
}

TEST(StoreRunsTest, CacheKeyKeepsTheFirstResult) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_NE(store, nullptr);
  auto none = store->FindCachedResult("k");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  RecordLinks links;
  links.cache_key = "k";
  auto first = store->RecordSubmission(MakeSubmission("ada", "relu"), links);
  auto second = store->RecordSubmission(MakeSubmission("bob", "relu"), links);
  ASSERT_TRUE(first.ok() && second.ok());
  auto found = store->FindCachedResult("k");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(*found, std::optional<int64_t>(*first));
}

TEST(StoreRunsTest, CancelledRecordingWritesNothing) {
  std::unique_ptr<Store> store = OpenOrDie(":memory:");
  ASSERT_NE(store, nullptr);
  auto run = store->OpenBatchRun("key-1", "relu", "/class", TwoItems());
  ASSERT_TRUE(run.ok());
  RecordLinks links;
  links.batch_item = RecordLinks::BatchItem{*run, 0, false, 5};
  links.cache_key = "k";
  links.cancelled = [] { return true; };
  SubmissionRecord submission = MakeSubmission("ada", "relu");
  submission.observations = {{"relu-gate", true, "visible_1", BktParams{}}};
  auto id = store->RecordSubmission(submission, links);
  ASSERT_FALSE(id.ok());
  EXPECT_NE(id.status().message().find("cancelled"), std::string::npos);
  for (const char* table :
       {"submissions", "test_results", "skill_evidence", "skill_mastery", "result_cache"}) {
    EXPECT_EQ(CountRows(*store, table), 0) << table;
  }
  auto items = store->ListBatchItems(*run);
  ASSERT_TRUE(items.ok());
  EXPECT_FALSE((*items)[0].submission_id.has_value());
}

// --- a database that cannot be used as it is ----------------------------------------------

TEST(StoreFileTest, DamagedTruncatedAndReadOnlyFilesAreInvalidArguments) {
  TempDir dir;
  const std::string path = dir.File("grader.db");
  {
    std::unique_ptr<Store> store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    store->database().exec("CREATE TABLE padding (x BLOB)");
    for (int i = 0; i < 20; ++i)
      store->database().exec("INSERT INTO padding VALUES (zeroblob(4000))");
  }
  const auto size = std::filesystem::file_size(path);
  struct Case {
    const char* name;
    std::function<void()> damage;
    const char* expect;
  };
  std::string original;
  {
    std::ifstream in(path, std::ios::binary);
    original.assign(std::istreambuf_iterator<char>(in), {});
  }
  auto write = [&](const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
  };
  const std::vector<Case> cases = {
      {"not_sqlite", [&] { write(std::string(size, 'x')); }, "is not a SQLite database"},
      {"short_header", [&] { write(original.substr(0, 50)); }, "is truncated"},
      {"half", [&] { write(original.substr(0, size / 2)); }, "is truncated"},
      {"read_only",
       [&] {
         write(original);
         std::filesystem::permissions(path, std::filesystem::perms::owner_read);
       },
       "is read-only"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    c.damage();
    base::StatusOr<std::unique_ptr<Store>> store = Store::Open(path);
    ASSERT_FALSE(store.ok());
    EXPECT_EQ(store.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_NE(store.status().message().find(c.expect), std::string::npos)
        << store.status().message();
    EXPECT_NE(store.status().message().find(path), std::string::npos);
  }
  // An empty file is a new database.
  std::filesystem::permissions(
      path, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  write("");
  EXPECT_NE(OpenOrDie(path), nullptr);
}

}  // namespace
}  // namespace db
