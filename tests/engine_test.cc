// The engine at its seams: a scripted runner shows that a sandbox failure is the grader's
// fault (internal_error), never the learner's; a store that fails mid-write leaves no row; the
// data directory is checked (key, database) before anything is compiled, from the engine and
// from the command line; two batches of one folder never run at once.
#include "grader/engine.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "db/store.h"
#include "grader/learner_name.h"
#include "grader/problem_spec.h"
#include "grader/secret.h"
#include "test_util.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using grader::Engine;
using grader::EngineOptions;
using testing_util::CommandResult;
using testing_util::ReadFile;
using testing_util::TempDir;
using testing_util::WriteFile;

const fs::path kProblems = fs::path(GRADER_SOURCE_DIR) / "problems";

// The real sandbox, except for the outcomes scripted for a policy: the next run under that
// policy returns the scripted outcome instead of running anything.
class ScriptedRunner : public grader::ProcessRunner {
 public:
  void Script(sandbox::Policy policy, sandbox::Outcome outcome) {
    std::lock_guard<std::mutex> lock(mutex_);
    scripted_.push_back({policy, std::move(outcome)});
  }
  sandbox::Outcome Run(const sandbox::Command& command, const sandbox::Limits& limits,
                       sandbox::Policy policy) override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (auto it = scripted_.begin(); it != scripted_.end(); ++it) {
        if (it->first != policy) continue;
        sandbox::Outcome outcome = it->second;
        scripted_.erase(it);
        return outcome;
      }
    }
    return real_.Run(command, limits, policy);
  }

 private:
  std::mutex mutex_;
  std::deque<std::pair<sandbox::Policy, sandbox::Outcome>> scripted_;
  grader::SandboxRunner real_;
};

sandbox::Outcome SandboxFailure() {
  sandbox::Outcome outcome;
  outcome.status = sandbox::Status::kSandboxError;
  outcome.error = "clone3: EPERM (scripted)";
  return outcome;
}

// An engine over a fresh data directory, sharing the tests' harness cache.
class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { setenv("GRADER_CACHE", GRADER_TEST_CACHE_DIR, 1); }

  base::StatusOr<std::unique_ptr<Engine>> Open(bool init = false) {
    EngineOptions options;
    options.data_dir = data_.path();
    options.problems_dir = kProblems;
    options.source_root = GRADER_SOURCE_DIR;
    options.runner = &runner_;
    options.init = init;
    options.work_parent = work_.path();
    return Engine::Open(options);
  }

  int64_t Count(const std::string& table) {
    SQLite::Database db((data_.path() / "grader.db").string(), SQLite::OPEN_READONLY);
    return db.execAndGet("SELECT COUNT(*) FROM " + table).getInt64();
  }

  grader::ProblemSpec Relu() {
    auto spec = grader::LoadProblem(kProblems / "relu");
    EXPECT_TRUE(spec.ok()) << spec.status().message();
    return *spec;
  }

  TempDir data_, work_;
  ScriptedRunner runner_;
};

TEST_F(EngineTest, SandboxFailureWhileRunningIsInternalErrorNotRuntimeError) {
  auto engine = Open();
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  const grader::ProblemSpec relu = Relu();
  runner_.Script(sandbox::Policy::kExecute, SandboxFailure());
  auto graded = (*engine)->Grade(relu, "ada", ReadFile(kProblems / "relu/solution.cpp"), false);
  ASSERT_TRUE(graded.ok()) << graded.status().message();
  EXPECT_EQ(graded->result.status, grader::SubmissionStatus::kInternalError);
  ASSERT_FALSE(graded->result.tests.empty());
  // The first test hit the broken sandbox; the others ran for real and passed.
  EXPECT_EQ(graded->result.tests[0].verdict, grader::Verdict::kInternalError);
  EXPECT_NE(graded->result.tests[0].message.find("not your fault"), std::string::npos);
  for (const grader::TestResult& t : graded->result.tests) {
    EXPECT_NE(t.verdict, grader::Verdict::kRuntimeError) << t.name;
  }
  // Recorded as the grader's failure, never cached as the learner's result.
  EXPECT_EQ(Count("submissions WHERE status = 'internal_error'"), 1);
  EXPECT_EQ(Count("result_cache"), 0);
}

TEST_F(EngineTest, SandboxFailureWhileCompilingIsInternalErrorNotCompileError) {
  auto engine = Open();
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  const grader::ProblemSpec relu = Relu();
  // Prepare the problem's prebuilt files for real first, so that the scripted failure hits the
  // learner's compile.
  ASSERT_TRUE(
      (*engine)->Grade(relu, "warmup", ReadFile(kProblems / "relu/solution.cpp"), false).ok());
  runner_.Script(sandbox::Policy::kCompile, SandboxFailure());
  auto graded = (*engine)->Grade(relu, "ada", ReadFile(kProblems / "relu/solution.cpp"), false);
  ASSERT_TRUE(graded.ok()) << graded.status().message();
  EXPECT_EQ(graded->result.status, grader::SubmissionStatus::kInternalError);
  EXPECT_NE(graded->result.internal_error.find("sandbox"), std::string::npos)
      << graded->result.internal_error;
  for (const grader::TestResult& t : graded->result.tests) {
    EXPECT_EQ(t.verdict, grader::Verdict::kInternalError) << t.name;
  }
}

// The store fails after the submission row was written: nothing of the grade may remain.
TEST_F(EngineTest, FailingStoreLeavesNothingHalfWritten) {
  auto engine = Open();
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  {
    SQLite::Database db((data_.path() / "grader.db").string(), SQLite::OPEN_READWRITE);
    db.exec(
        "CREATE TRIGGER fail_tests BEFORE INSERT ON test_results "
        "BEGIN SELECT RAISE(ABORT, 'disk full (injected)'); END");
  }
  const grader::ProblemSpec relu = Relu();
  auto graded = (*engine)->Grade(relu, "ada", ReadFile(kProblems / "relu/solution.cpp"), true);
  ASSERT_FALSE(graded.ok());
  EXPECT_EQ(graded.status().code(), base::StatusCode::kInternal);
  EXPECT_NE(graded.status().message().find("disk full (injected)"), std::string::npos)
      << graded.status().message();
  for (const char* table : {"submissions", "test_results", "test_diagnoses", "skill_evidence",
                            "skill_mastery", "result_cache"}) {
    EXPECT_EQ(Count(table), 0) << table;
  }
}

// --- the data directory, from the engine ---------------------------------------------------

void RecordOne(const fs::path& data_dir) {
  auto store = db::Store::Open((data_dir / "grader.db").string());
  ASSERT_TRUE(store.ok()) << store.status().message();
  db::SubmissionRecord record;
  record.learner = "ada";
  record.problem_id = "relu";
  record.problem_version = 1;
  record.source_hash = "0";
  record.source = "int x;";
  record.status = "graded";
  ASSERT_TRUE((*store)->RecordSubmission(record).ok());
}

TEST_F(EngineTest, NewDataDirGetsKeyAndDatabaseWithoutInit) {
  auto engine = Open();
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  EXPECT_EQ(fs::file_size(data_.path() / "secret.key"), grader::kSecretBytes);
  EXPECT_TRUE(fs::exists(data_.path() / "grader.db"));
  EXPECT_TRUE((*engine)->warnings().empty());
}

TEST_F(EngineTest, LostKeyIsNotReplacedUnlessInit) {
  ASSERT_TRUE(Open().ok());
  RecordOne(data_.path());
  const std::string key = ReadFile(data_.path() / "secret.key");
  fs::remove(data_.path() / "secret.key");
  auto refused = Open();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("--init"), std::string::npos)
      << refused.status().message();
  EXPECT_FALSE(fs::exists(data_.path() / "secret.key"));
  auto renewed = Open(/*init=*/true);
  ASSERT_TRUE(renewed.ok()) << renewed.status().message();
  EXPECT_EQ(fs::file_size(data_.path() / "secret.key"), grader::kSecretBytes);
  EXPECT_NE(ReadFile(data_.path() / "secret.key"), key);
}

TEST_F(EngineTest, KeyReadableByOthersIsAWarning) {
  ASSERT_TRUE(Open().ok());
  ::chmod((data_.path() / "secret.key").c_str(), 0644);
  auto engine = Open();
  ASSERT_TRUE(engine.ok()) << engine.status().message();
  ASSERT_EQ((*engine)->warnings().size(), 1u);
  EXPECT_NE((*engine)->warnings()[0].find("0644"), std::string::npos);
}

TEST(LearnerNameTest, OneRuleForEveryFrontEnd) {
  EXPECT_TRUE(grader::ValidateLearnerName("Ada Lovelace").ok());
  EXPECT_TRUE(grader::ValidateLearnerName("Zoë").ok());
  EXPECT_TRUE(grader::ValidateLearnerName(std::string(128, 'a')).ok());
  EXPECT_FALSE(grader::ValidateLearnerName("").ok());
  EXPECT_FALSE(grader::ValidateLearnerName(std::string(129, 'a')).ok());
  EXPECT_FALSE(grader::ValidateLearnerName("ada\x1b[2J").ok());
  EXPECT_FALSE(grader::ValidateLearnerName("ada\x7f").ok());
  EXPECT_FALSE(grader::ValidateLearnerName("caf\xe9").ok());  // Latin-1, not UTF-8
  EXPECT_FALSE(grader::ValidateLearnerName("ada\xc2\x9b"
                                           "2J")
                   .ok());                                            // C1 CSI
  EXPECT_FALSE(grader::ValidateLearnerName("ada\xe2\x80\xae").ok());  // U+202E
}

// --- the data directory, from the command line: exit 2, one line, nothing compiled ---------

struct BadDataDir {
  const char* name;
  std::function<void(const fs::path& data_dir)> damage;
  const char* expect;
};

void PrintTo(const BadDataDir& c, std::ostream* os) { *os << c.name; }

// A data directory with a key and a database holding results, as after a first grade.
void Populate(const fs::path& data_dir) {
  RecordOne(data_dir);
  WriteFile(data_dir / "secret.key", std::string(grader::kSecretBytes, 'k'));
  ::chmod((data_dir / "secret.key").c_str(), 0600);
}

// A database of many pages, so that truncating it loses pages its header counts.
void Grow(const fs::path& data_dir) {
  SQLite::Database db((data_dir / "grader.db").string(), SQLite::OPEN_READWRITE);
  db.exec("CREATE TABLE padding (x BLOB)");
  for (int i = 0; i < 50; ++i) db.exec("INSERT INTO padding VALUES (zeroblob(4000))");
  db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

class BadDataDirTest : public ::testing::TestWithParam<BadDataDir> {};

TEST_P(BadDataDirTest, ExitsTwoBeforeAnyCompile) {
  TempDir data, cache, tmp;
  Populate(data.path());
  GetParam().damage(data.path());
  // A submission that compiles: only the data directory is wrong.
  CommandResult r = testing_util::RunCommand(
      {GRADER_BINARY, "--data-dir", data.path().string(), "grade", "--problem", "relu",
       (kProblems / "relu/solution.cpp").string()},
      {"GRADER_CACHE=" + cache.path().string(), "TMPDIR=" + tmp.path().string()});
  EXPECT_EQ(r.exit_code, 2) << r.err << r.out;
  EXPECT_NE(r.err.find(GetParam().expect), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  // Nothing was built: no prebuilt files in the (private) cache, no work directory.
  EXPECT_TRUE(fs::is_empty(cache.path())) << "the harness was compiled";
  EXPECT_TRUE(fs::is_empty(tmp.path())) << "a submission was compiled";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadDataDirTest,
    ::testing::Values(
        BadDataDir{"corrupt_database",
                   [](const fs::path& d) { WriteFile(d / "grader.db", std::string(8192, 'x')); },
                   "is not a SQLite database"},
        BadDataDir{"damaged_schema_page",
                   [](const fs::path& d) {
                     std::string bytes = ReadFile(d / "grader.db");
                     for (size_t i = 100; i < 4096 && i < bytes.size(); ++i) bytes[i] = '\xff';
                     WriteFile(d / "grader.db", bytes);
                   },
                   "is damaged"},
        BadDataDir{"truncated_database",
                   [](const fs::path& d) {
                     Grow(d);
                     fs::resize_file(d / "grader.db", fs::file_size(d / "grader.db") / 2);
                   },
                   "is truncated"},
        BadDataDir{"read_only_database",
                   [](const fs::path& d) { ::chmod((d / "grader.db").c_str(), 0444); },
                   "is read-only"},
        BadDataDir{"short_key",
                   [](const fs::path& d) { WriteFile(d / "secret.key", std::string(16, 'k')); },
                   "is 16 bytes; a secret key is exactly 32 bytes"},
        BadDataDir{"directory_as_key",
                   [](const fs::path& d) {
                     fs::remove(d / "secret.key");
                     fs::create_directory(d / "secret.key");
                   },
                   "is a directory, not a secret key file"},
        BadDataDir{"lost_key", [](const fs::path& d) { fs::remove(d / "secret.key"); },
                   "pass --init"}),
    [](const ::testing::TestParamInfo<BadDataDir>& param_info) {
      return std::string(param_info.param.name);
    });

TEST(DataDirCliTest, SameErrorSameExitFromEveryCommandAndAReadableKeyWarns) {
  TempDir data, cls;
  Populate(data.path());
  fs::remove(data.path() / "secret.key");
  WriteFile(cls.path() / "ada.cpp", ReadFile(kProblems / "relu/solution.cpp"));
  CommandResult batch =
      testing_util::RunCommand({GRADER_BINARY, "--data-dir", data.path().string(), "batch",
                                "--problem", "relu", cls.path().string()},
                               {"GRADER_CACHE=" GRADER_TEST_CACHE_DIR});
  EXPECT_EQ(batch.exit_code, 2) << batch.err;
  EXPECT_NE(batch.err.find("pass --init"), std::string::npos) << batch.err;
  // A database newer than this build: the same exit code from every command.
  {
    SQLite::Database db((data.path() / "grader.db").string(), SQLite::OPEN_READWRITE);
    db.exec("INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 'future')");
  }
  WriteFile(data.path() / "secret.key", std::string(grader::kSecretBytes, 'k'));
  ::chmod((data.path() / "secret.key").c_str(), 0640);
  for (std::vector<std::string> args :
       {std::vector<std::string>{"grade", "--problem", "relu", (cls.path() / "ada.cpp").string()},
        std::vector<std::string>{"batch", "--problem", "relu", cls.path().string()},
        std::vector<std::string>{"learner", "show", "ada"},
        std::vector<std::string>{"recommend", "--learner", "ada"}}) {
    args.insert(args.begin(), {GRADER_BINARY, "--data-dir", data.path().string()});
    CommandResult r = testing_util::RunCommand(args, {"GRADER_CACHE=" GRADER_TEST_CACHE_DIR});
    EXPECT_EQ(r.exit_code, 2) << args[3] << ": " << r.err;
    EXPECT_NE(r.err.find("newer"), std::string::npos) << args[3] << ": " << r.err;
  }
  // The key's mode is checked after the database: a usable directory, with a readable key.
  {
    SQLite::Database db((data.path() / "grader.db").string(), SQLite::OPEN_READWRITE);
    db.exec("DELETE FROM schema_migrations WHERE version = 9999");
  }
  CommandResult warned =
      testing_util::RunCommand({GRADER_BINARY, "--data-dir", data.path().string(), "grade",
                                "--problem", "relu", (cls.path() / "ada.cpp").string()},
                               {"GRADER_CACHE=" GRADER_TEST_CACHE_DIR});
  EXPECT_EQ(warned.exit_code, 0) << warned.err;
  EXPECT_NE(warned.err.find("grader: warning: "), std::string::npos) << warned.err;
  EXPECT_NE(warned.err.find("readable by group or others (mode 0640)"), std::string::npos)
      << warned.err;
}

// --- two batches of one folder --------------------------------------------------------------

pid_t Spawn(const std::vector<std::string>& args) { return testing_util::SpawnQuiet(args); }

int64_t CountIn(const fs::path& data_dir, const std::string& sql) {
  SQLite::Database db((data_dir / "grader.db").string(), SQLite::OPEN_READONLY);
  return db.execAndGet(sql).getInt64();
}

TEST(BatchLockTest, SecondBatchOfTheSameFolderRefusesAndTheFirstCompletes) {
  TempDir data, cls;
  const std::string solution = ReadFile(kProblems / "relu/solution.cpp");
  for (int i = 0; i < 3; ++i) {
    WriteFile(cls.path() / ("learner" + std::to_string(i) + ".cpp"),
              "// " + std::to_string(i) + "\n" + solution);
  }
  const std::vector<std::string> args = {GRADER_BINARY, "--data-dir", data.path().string(),
                                         "batch",       "--problem",  "relu",
                                         "--jobs",      "1",          cls.path().string()};
  setenv("GRADER_CACHE", GRADER_TEST_CACHE_DIR, 1);
  const pid_t first = Spawn(args);
  ASSERT_GT(first, 0);
  // The run row is written after the lock is taken: from then on the first batch holds it.
  // Stopping it there keeps it holding the lock, however fast this machine is.
  bool holding = false;
  for (int i = 0; i < 60000 && !holding; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    try {
      holding = fs::exists(data.path() / "grader.db") &&
                CountIn(data.path(), "SELECT COUNT(*) FROM batch_runs") > 0;
    } catch (const std::exception&) {
      // The schema may not exist yet.
    }
  }
  ASSERT_TRUE(holding);
  ASSERT_EQ(::kill(first, SIGSTOP), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(first, &status, WUNTRACED), first);
  ASSERT_TRUE(WIFSTOPPED(status)) << "the first batch ended before it could be stopped";

  CommandResult second = testing_util::RunCommand(args, {"GRADER_CACHE=" GRADER_TEST_CACHE_DIR});
  EXPECT_EQ(second.exit_code, 4) << second.err;
  EXPECT_NE(
      second.err.find("is already running in another process (pid " + std::to_string(first) + ")"),
      std::string::npos)
      << second.err;
  EXPECT_EQ(std::count(second.err.begin(), second.err.end(), '\n'), 1) << second.err;

  ASSERT_EQ(::kill(first, SIGCONT), 0);
  ASSERT_EQ(::waitpid(first, &status, 0), first);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(CountIn(data.path(), "SELECT COUNT(*) FROM submissions"), 3);
  EXPECT_EQ(CountIn(data.path(), "SELECT COUNT(DISTINCT learner) FROM submissions"), 3);
  EXPECT_EQ(CountIn(data.path(), "SELECT COUNT(*) FROM batch_runs"), 1);
  // The lock went with the process: the same batch runs again (all already graded).
  CommandResult again = testing_util::RunCommand(args, {"GRADER_CACHE=" GRADER_TEST_CACHE_DIR});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("3 already graded"), std::string::npos) << again.err;
}

}  // namespace
